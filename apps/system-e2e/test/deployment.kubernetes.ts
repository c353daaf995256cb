import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { OrderMode } from '@dtx/contracts';
import { ShopClient } from '@dtx/shop-client';
import { sleep } from '@dtx/util';
import { compensationSpansOf, DECLINED_ORCHESTRATION_COMPENSATIONS } from './support/jaeger.js';
import { hostState, k8sScript, kubectl, portForward, readyPodsOf, type PortForward } from './support/local-cluster.js';
import { eventually, testCredentials } from './support/shop-client.js';

const MODES: OrderMode[] = ['choreography', 'orchestration', '2pc'];
const ORDERS_PER_MODE = 20;
const PRICE = 100;
const STOCK = 1_000;
const RICH_BALANCE = 100_000;

type Outcome = 'CONFIRMED' | 'PAYMENT_DECLINED' | 'OUT_OF_STOCK';
interface PlannedOrder {
  mode: OrderMode;
  outcome: Outcome;
  orderId: string;
  traceId: string;
}

/**
 * The dev overlay on a real single-node Kubernetes (scripts/k8s): the cluster
 * started, the overlay deployed as it is, orders placed through the deployed
 * order service on 127.0.0.1 while a payment pod and an orchestrator pod are
 * deleted, the system audited from inside the cluster, a compensated order's
 * trace read from the deployed Jaeger, and the cluster taken down without a
 * trace left on the host.
 */
describe('the dev overlay on a local Kubernetes cluster', () => {
  let hostBefore: string[];
  let clusterUp = false;
  const forwards: PortForward[] = [];
  const planned: PlannedOrder[] = [];
  const names = { sku: unique('sku'), scarce: unique('scarce'), rich: unique('rich'), poor: unique('poor') };

  /** The REST API through port-forwards made now: a deleted pod ends the forward that went to it. */
  const shopNow = async (): Promise<ShopClient> => {
    const [order, inventory, payment] = await Promise.all([
      portForward('order', 3001),
      portForward('inventory', 3002),
      portForward('payment', 3003),
    ]);
    forwards.push(order, inventory, payment);
    return new ShopClient(
      { order: order.url, inventory: inventory.url, payment: payment.url },
      { credentials: testCredentials() },
    );
  };
  const stopForwards = async () => {
    await Promise.all(forwards.splice(0).map((forward) => forward.stop()));
  };

  before(
    async () => {
      hostBefore = await hostState();
      assert.ok(
        !hostBefore.some((line) => line.startsWith('link dtxk8s')),
        'a local cluster is already running: npm run k8s:down first',
      );
      clusterUp = true;
      console.log(timed('k8s:up', await measured(() => k8sScript('cluster.sh', 'up'))));
      console.log(timed('deploy', await measured(() => k8sScript('deploy.sh'))));
    },
    { timeout: 1_800_000 },
  );

  after(async () => {
    await stopForwards();
    if (clusterUp) await k8sScript('cluster.sh', 'down').catch((error: unknown) => console.error(error));
  });

  it('runs every workload with the base’s replica counts, all ready', async () => {
    for (const [app, replicas] of Object.entries({
      order: 2,
      inventory: 2,
      payment: 2,
      orchestrator: 2,
      coordinator: 1,
      console: 1,
      jaeger: 1,
      kafka: 1,
      postgres: 1,
    })) {
      assert.equal((await readyPodsOf(app)).length, replicas, `${app}: ${replicas} ready`);
    }
    assert.equal((await kubectl('get', 'job', 'dtx-migrate', '-o', 'jsonpath={.status.succeeded}')).trim(), '1');
  });

  it('takes orders in all three modes through the order Service while a payment and an orchestrator pod are deleted; every order ends as planned and the audit finds nothing wrong', async () => {
    const seeding = await shopNow();
    for (const sku of [names.sku, names.scarce]) await seeding.setPrice(sku, PRICE);
    await seeding.setStock(names.sku, STOCK);
    await seeding.setStock(names.scarce, 0);
    await seeding.setBalance(names.rich, RICH_BALANCE);
    await seeding.setBalance(names.poor, PRICE / 2);
    await stopForwards();

    const orders = await portForward('order', 3001);
    forwards.push(orders);
    const shop = new ShopClient({ order: orders.url }, { credentials: testCredentials() });
    const deleted: Record<string, string> = {};
    const total = MODES.length * ORDERS_PER_MODE;
    for (let index = 0; index < total; index++) {
      const mode = MODES[index % MODES.length] as OrderMode;
      const outcome = outcomeOf(Math.floor(index / MODES.length));
      const placed = await shop.placeOrder({
        customerId: outcome === 'PAYMENT_DECLINED' ? names.poor : names.rich,
        mode,
        items: [{ sku: outcome === 'OUT_OF_STOCK' ? names.scarce : names.sku, quantity: 1 }],
      });
      // 202 while a saga runs; a 2PC order is final when answered: 201 CONFIRMED, 200 CANCELLED.
      const answered = mode !== '2pc' ? 202 : outcome === 'CONFIRMED' ? 201 : 200;
      assert.equal(placed.status, answered, JSON.stringify(placed.body));
      planned.push({ mode, outcome, orderId: placed.body.orderId, traceId: placed.body.traceId });
      // A third of the way in, a payment pod goes; two thirds in, an orchestrator pod.
      for (const [app, at] of [
        ['payment', Math.floor(total / 3)],
        ['orchestrator', Math.floor((2 * total) / 3)],
      ] as const) {
        if (index === at) {
          const [pod] = await readyPodsOf(app);
          assert.ok(pod, `no ready ${app} pod`);
          await kubectl('delete', 'pod', pod, '--wait=false');
          deleted[app] = pod;
        }
      }
      await sleep(150);
    }

    const outcomes = await Promise.all(
      planned.map(async (order) => {
        const final = await shop.finalOrder(order.orderId, { timeoutMs: 240_000, pollMs: 250 });
        return { planned: `${order.mode} ${order.outcome}`, actual: `${order.mode} ${final.reason ?? final.status}` };
      }),
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.actual),
      outcomes.map((outcome) => outcome.planned),
    );

    // Kubernetes replaced the deleted pods.
    for (const [app, pod] of Object.entries(deleted)) {
      const ready = await eventually(
        () => readyPodsOf(app),
        (pods) => pods.length === 2,
        180_000,
      );
      assert.ok(!ready.includes(pod), `${pod} was replaced`);
    }

    // Stock and money conserved, nothing held, nothing charged twice.
    await stopForwards();
    const checking = await shopNow();
    const confirmed = planned.filter((order) => order.outcome === 'CONFIRMED').length;
    const settled = await eventually(
      async () => ({
        stock: await checking.getStock(names.sku),
        rich: await checking.getAccount(names.rich),
        poor: await checking.getAccount(names.poor),
      }),
      (state) => state.rich.reserved === 0 && state.stock.reserved === 0,
      60_000,
    );
    assert.equal(settled.stock.available, STOCK - confirmed, 'one unit sold per confirmed order');
    assert.equal(settled.rich.balance, RICH_BALANCE - confirmed * PRICE, 'each confirmed order charged once');
    assert.deepEqual(settled.poor, { customerId: names.poor, balance: PRICE / 2, reserved: 0 });

    // The auditor, run inside the cluster: every database's invariants and every dead letter.
    const report = await k8sScript('audit.sh', '--wait', '120');
    assert.match(report, /, 0 dead letters \(0 accounted for\), 0 violations/, report);
    console.log(`kubernetes: ${total} orders, deleted ${Object.values(deleted).join(' and ')} while they ran`);
    console.log(report.trim());
  });

  it("serves a compensated order's trace from the deployed Jaeger, its compensation spans marked", async () => {
    const declined = planned.find((order) => order.mode === 'orchestration' && order.outcome === 'PAYMENT_DECLINED');
    assert.ok(declined, 'an orchestrated order was declined');
    const jaeger = await portForward('jaeger', 16686);
    forwards.push(jaeger);
    const found = await eventually(
      () => compensationSpansOf(jaeger.url, declined.traceId),
      (spans) => DECLINED_ORCHESTRATION_COMPENSATIONS.every((name) => spans.includes(name)),
      120_000,
    );
    for (const name of DECLINED_ORCHESTRATION_COMPENSATIONS) assert.ok(found.includes(name), found.join(', '));
  });

  it('admits every object of the prod overlay, Strimzi’s and CloudNativePG’s included, in a server-side dry run', async () => {
    const output = await k8sScript('dry-run-prod.sh');
    const admitted = output.split('\n').filter((line) => line.endsWith('serverside-applied (server dry run)'));
    for (const kind of [
      'deployment.apps',
      'kafka.kafka.strimzi.io',
      'kafkauser.kafka.strimzi.io',
      'cluster.postgresql.cnpg.io',
    ]) {
      assert.ok(
        admitted.some((line) => line.startsWith(`${kind}/`)),
        `a ${kind} admitted:\n${output}`,
      );
    }
    const objects = Number(/the prod overlay has (\d+) objects/.exec(output)?.[1]);
    assert.ok(objects > 0, output);
    assert.equal(admitted.length, objects, `every object admitted:\n${output}`);
    assert.doesNotMatch(output, /^Warning:/m, 'no warning from the API server (Pod Security "restricted" among them)');
  });

  it('k8s:down stops every process and removes every interface, iptables chain and rule, mount and kernel setting of the run', async () => {
    await stopForwards();
    console.log(timed('k8s:down', await measured(() => k8sScript('cluster.sh', 'down'))));
    clusterUp = false;
    const hostAfter = await hostState();
    const left = hostAfter.filter((line) => !hostBefore.includes(line));
    const gone = hostBefore.filter((line) => !hostAfter.includes(line));
    assert.deepEqual({ left, gone }, { left: [], gone: [] });
  });
});

/** Of every five orders: three confirmed, one declined for payment, one out of stock. */
function outcomeOf(round: number): Outcome {
  return round % 5 === 3 ? 'PAYMENT_DECLINED' : round % 5 === 4 ? 'OUT_OF_STOCK' : 'CONFIRMED';
}

function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function measured(step: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await step();
  return Math.round((performance.now() - startedAt) / 1_000);
}

function timed(step: string, seconds: number): string {
  return `kubernetes: ${step} took ${seconds} s`;
}
