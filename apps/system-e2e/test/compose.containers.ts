import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { LocalIssuer } from '@dtx/auth';
import { issuedCredentials, ShopClient } from '@dtx/shop-client';
import { freePorts, repositoryRoot } from '@dtx/testing';
import { compensationSpansOf, DECLINED_ORCHESTRATION_COMPENSATIONS } from './support/jaeger.js';
import { eventually } from './support/shop-client.js';

const run = promisify(execFile);
const ROOT = repositoryRoot();
const COMPOSE_SCRIPT = join(ROOT, 'scripts/containers/compose.sh');
const SERVICES = ['order', 'inventory', 'payment', 'orchestrator', 'coordinator', 'console'] as const;
const PUBLISHED = [
  'POSTGRES_HOST_PORT',
  'KAFKA_HOST_PORT',
  'OTLP_HTTP_HOST_PORT',
  'JAEGER_UI_HOST_PORT',
  ...SERVICES.map((service) => `${service.toUpperCase()}_HOST_PORT`),
];

/**
 * docker-compose.yml started for real: the project's images (npm run images)
 * on the local engine, brought up by `npm run compose:up`'s script under a
 * project name and published ports of the test's own, then used through those
 * ports as a person would, and brought down.
 */
describe('docker-compose.yml on a real container engine', () => {
  const project = `dtx-test-${randomUUID().slice(0, 8)}`;
  let environment: NodeJS.ProcessEnv;
  let port: (variable: string) => number;
  let shop: ShopClient;
  let issuer: LocalIssuer;
  let upSeconds = 0;

  const compose = (...args: string[]) =>
    run('bash', [COMPOSE_SCRIPT, ...args], { env: environment, cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
  const podman = (...args: string[]) => run('podman', args, { env: environment, maxBuffer: 64 * 2 ** 20 });
  const containerOf = async (service: string) => {
    const { stdout } = await podman(
      'ps',
      '--all',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
      '--format',
      '{{.Names}}',
    );
    const name = stdout.trim().split('\n')[0];
    assert.ok(name, `no container of ${service}`);
    return name;
  };

  before(
    async () => {
      const ports = await freePorts(PUBLISHED.length);
      const published = Object.fromEntries(PUBLISHED.map((variable, index) => [variable, String(ports[index])]));
      environment = { ...process.env, ...published, COMPOSE_PROJECT_NAME: project };
      port = (variable) => Number(published[variable]);
      const startedAt = performance.now();
      await compose('up');
      upSeconds = Math.round((performance.now() - startedAt) / 1000);
      // Tokens as the compose file's issuer signs them: its key pair, made by auth-keys in its volume.
      const { stdout } = await podman('volume', 'inspect', '--format', '{{.Mountpoint}}', `${project}_auth-keys`);
      issuer = await LocalIssuer.fromKeyFile(join(stdout.trim(), 'keys', 'signing-key.jwk.json'), {
        issuer: 'dtx-local',
      });
      const url = (service: string) => `http://127.0.0.1:${port(`${service.toUpperCase()}_HOST_PORT`)}`;
      shop = new ShopClient(
        {
          order: url('order'),
          inventory: url('inventory'),
          payment: url('payment'),
          orchestrator: url('orchestrator'),
          coordinator: url('coordinator'),
        },
        { credentials: issuedCredentials(issuer) },
      );
    },
    { timeout: 900_000 },
  );

  after(async () => {
    await compose('down').catch((error: unknown) => console.error(error));
  });

  it('comes up with every service ready, the migrations and keys made first', async () => {
    assert.ok(upSeconds > 0);
    console.log(`compose: every service ready ${upSeconds} s after compose.sh up`);
    for (const oneShot of ['migrate', 'auth-keys']) {
      const { stdout } = await podman('inspect', '--format', '{{.State.ExitCode}}', await containerOf(oneShot));
      assert.equal(stdout.trim(), '0', `${oneShot} exited with ${stdout.trim()}`);
    }
  });

  it("runs the demo to its end: each mode's orders final, with their trace ids", async () => {
    const demo = await containerOf('demo');
    const exited = await eventually(
      async () => (await podman('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', demo)).stdout.trim(),
      (state) => state.startsWith('exited'),
      180_000,
    );
    const { stdout, stderr } = await podman('logs', demo);
    assert.equal(exited, 'exited 0', `the demo failed:\n${stdout}\n${stderr}`);
    for (const mode of ['choreography', 'orchestration', 'two-phase commit']) {
      assert.match(stdout, new RegExp(`Orders by ${mode}:`), `the demo says nothing of ${mode}`);
    }
    assert.match(stdout, /CONFIRMED/);
    assert.match(stdout, /CANCELLED/);
  });

  it('takes orders in all three modes through the published ports; each reaches its final state', async () => {
    const [sku, rich, poor] = [
      `sku-${randomUUID().slice(0, 8)}`,
      `rich-${randomUUID().slice(0, 8)}`,
      `poor-${project}`,
    ];
    await shop.setPrice(sku, 250);
    await shop.setStock(sku, 10);
    await shop.setBalance(rich, 10_000);
    await shop.setBalance(poor, 100);
    const outcomes: Record<string, string> = {};
    for (const mode of ['choreography', 'orchestration', '2pc'] as const) {
      const placed = await shop.placeOrder({ customerId: rich, mode, items: [{ sku, quantity: 1 }] });
      const declined = await shop.placeOrder({ customerId: poor, mode, items: [{ sku, quantity: 1 }] });
      outcomes[mode] = [
        (await shop.finalOrder(placed.body.orderId)).status,
        (await shop.finalOrder(declined.body.orderId)).reason,
      ].join(' ');
    }
    assert.deepEqual(outcomes, {
      choreography: 'CONFIRMED PAYMENT_DECLINED',
      orchestration: 'CONFIRMED PAYMENT_DECLINED',
      '2pc': 'CONFIRMED PAYMENT_DECLINED',
    });
    // A declined order is final before its stock is back: the settlement lane releases it up to half a second later.
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 7 && stock.reserved === 0,
      10_000,
    );
  });

  it("keeps a compensated order's trace in Jaeger, its compensation spans marked", async () => {
    const sku = `sku-${randomUUID().slice(0, 8)}`;
    await shop.setPrice(sku, 300);
    await shop.setStock(sku, 5);
    const placed = await shop.placeOrder({
      customerId: `poor-${project}`,
      mode: 'orchestration',
      items: [{ sku, quantity: 1 }],
    });
    assert.equal((await shop.finalOrder(placed.body.orderId)).reason, 'PAYMENT_DECLINED');
    const jaeger = `http://127.0.0.1:${port('JAEGER_UI_HOST_PORT')}`;
    // Each service exports its spans on its own schedule: wait for the orchestrator's and the participant's.
    const expected = DECLINED_ORCHESTRATION_COMPENSATIONS;
    const found = await eventually(
      () => compensationSpansOf(jaeger, placed.body.traceId),
      (names) => expected.every((name) => names.includes(name)),
      60_000,
    );
    for (const name of expected) assert.ok(found.includes(name), `${name} missing from: ${found.join(', ')}`);
  });

  it('serves the console, which signs an operator in and shows an order', async () => {
    const consoleUrl = `http://127.0.0.1:${port('CONSOLE_HOST_PORT')}`;
    const admin = await issuer.issue({ subject: 'operator', scopes: ['admin'] });
    const signIn = await fetch(`${consoleUrl}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl },
      body: new URLSearchParams({ token: admin, next: '/orders' }),
    });
    assert.equal(signIn.status, 303);
    const cookie = signIn.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const list = await fetch(`${consoleUrl}/orders`, { headers: { cookie } });
    assert.equal(list.status, 200);
    assert.match(await list.text(), /href="\/orders\/[0-9a-f-]{36}"/);
  });

  it('runs every image as a non-root user, and each service container passes its health check', async () => {
    for (const service of SERVICES) {
      const container = await containerOf(service);
      assert.equal((await podman('exec', container, 'id', '-u')).stdout.trim(), '1000', `${service} runs as uid 1000`);
      await podman('healthcheck', 'run', container); // rejects unless healthy
    }
    for (const image of [...SERVICES, 'migrate', 'demo']) {
      const { stdout } = await podman('image', 'inspect', '--format', '{{.Config.User}}', `dtx/${image}:local`);
      assert.equal(stdout.trim(), 'node', `dtx/${image} runs as node`);
    }
  });

  it('holds production dependencies only', async () => {
    const { stdout } = await podman('run', '--rm', '--entrypoint', 'ls', 'dtx/order:local', '/app/node_modules');
    const installed = stdout.split('\n');
    assert.ok(installed.includes('@nestjs'), 'the runtime dependencies are there');
    for (const development of ['typescript', 'eslint', 'prettier', 'playwright-core', 'prisma', 'testcontainers']) {
      assert.ok(!installed.includes(development), `${development} is a development dependency`);
    }
  });
});
