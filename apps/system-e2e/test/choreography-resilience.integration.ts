import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { OrderView } from '@dtx/contracts';
import type { ShopClient } from '@dtx/shop-client';
import {
  readTopics,
  repositoryRoot,
  sendRecords,
  startSystem,
  testInfrastructure,
  type RunningSystem,
} from '@dtx/testing';
import { sleep } from '@dtx/util';
import { counterTotal, messagesOf, type TrailMessage } from './support/kafka-trail.js';
import { eventually, shopClientOf } from './support/shop-client.js';

const run = promisify(execFile);
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Which service handles which message type in choreography. */
const handledBy: Record<string, 'order' | 'inventory' | 'payment'> = {
  OrderCreated: 'inventory',
  StockReserved: 'payment',
  StockUnavailable: 'order',
  PaymentAuthorized: 'order',
  PaymentDeclined: 'order',
};
const handledByInventoryAndPayment = new Set(['OrderConfirmed', 'OrderCancelled']);

const finalTypes: Record<string, string[]> = {
  CONFIRMED: [
    'OrderCreated',
    'StockReserved',
    'PaymentAuthorized',
    'OrderConfirmed',
    'StockCommitted',
    'PaymentCaptured',
  ],
  OUT_OF_STOCK: ['OrderCreated', 'StockUnavailable', 'OrderCancelled'],
  PAYMENT_DECLINED: ['OrderCreated', 'StockReserved', 'PaymentDeclined', 'OrderCancelled', 'StockReleased'],
};

describe('choreography under duplicates, poison messages and crashes', () => {
  let system: RunningSystem;
  let shop: ShopClient;
  let orders: OrderView[] = [];

  const expectedTrail = (order: OrderView) =>
    finalTypes[order.status === 'CONFIRMED' ? 'CONFIRMED' : (order.reason ?? '')] ?? [];
  const trailComplete = (messages: TrailMessage[]) =>
    orders.every((order) => {
      const types = messages.filter((message) => message.aggregateId === order.orderId).map((message) => message.type);
      return expectedTrail(order).every((type) => types.includes(type));
    });

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment']);
    shop = shopClientOf(system);

    const [sku, scarce, rich, poor] = [unique('sku'), unique('scarce'), unique('rich'), unique('poor')];
    await shop.setStock(sku, 10);
    await shop.setStock(scarce, 0);
    await shop.setPrice(sku, 1_000);
    await shop.setPrice(scarce, 1_000);
    await shop.setBalance(rich, 10_000);
    await shop.setBalance(poor, 0);
    const placed = await Promise.all([
      shop.placeOrder({ customerId: rich, mode: 'choreography', items: [{ sku, quantity: 2, unitPrice: 1_000 }] }),
      shop.placeOrder({
        customerId: rich,
        mode: 'choreography',
        items: [{ sku: scarce, quantity: 1, unitPrice: 1_000 }],
      }),
      shop.placeOrder({ customerId: poor, mode: 'choreography', items: [{ sku, quantity: 1, unitPrice: 1_000 }] }),
    ]);
    orders = await Promise.all(placed.map((answer) => shop.finalOrder(answer.body.orderId)));
    assert.deepEqual(
      orders.map((order) => order.reason ?? order.status),
      ['CONFIRMED', 'OUT_OF_STOCK', 'PAYMENT_DECLINED'],
    );
  });

  after(async () => {
    await system?.shutdown();
  });

  it('along every order, each message is caused by one before it, with a strictly greater Lamport time', async () => {
    const messages = await messagesOf(
      system,
      orders.map((order) => order.orderId),
      trailComplete,
    );
    const byId = new Map(messages.map((message) => [message.id, message]));
    for (const order of orders) {
      const trail = messages.filter((message) => message.aggregateId === order.orderId);
      assert.deepEqual(new Set(trail.map((message) => message.type)), new Set(expectedTrail(order)));
      for (const message of trail) {
        if (message.type === 'OrderCreated') {
          assert.equal(message.causationId, null, 'OrderCreated is caused by the HTTP request');
          continue;
        }
        const cause = byId.get(message.causationId ?? '');
        assert.ok(cause, `${message.type} names a cause that exists`);
        assert.equal(message.record.headers['causation-id'], cause.id);
        assert.ok(
          message.lamport > cause.lamport,
          `${cause.type}(${cause.lamport}) -> ${message.type}(${message.lamport})`,
        );
      }
    }
  });

  it('every message redelivered five more times has no second effect', async () => {
    const messages = await messagesOf(
      system,
      orders.map((order) => order.orderId),
      trailComplete,
    );
    const before = {
      stock: await Promise.all(orders.flatMap((order) => order.items.map((item) => shop.getStock(item.sku)))),
      accounts: await Promise.all(orders.map((order) => shop.getAccount(order.customerId))),
      payments: await Promise.all(orders.map((order) => shop.paymentsOfOrder(order.orderId))),
      orders: await Promise.all(orders.map((order) => shop.getOrder(order.orderId))),
    };
    const duplicatesBefore = await totalDuplicates();

    await sendRecords(
      system.brokers,
      [1, 2, 3, 4, 5].flatMap(() => messages.map((message) => message.record)),
    );
    const expectedDuplicates =
      5 *
      messages.reduce(
        (count, message) =>
          count + (handledBy[message.type] ? 1 : 0) + (handledByInventoryAndPayment.has(message.type) ? 2 : 0),
        0,
      );
    await eventually(totalDuplicates, (total) => total - duplicatesBefore >= expectedDuplicates, 60_000);

    assert.deepEqual(
      {
        stock: await Promise.all(orders.flatMap((order) => order.items.map((item) => shop.getStock(item.sku)))),
        accounts: await Promise.all(orders.map((order) => shop.getAccount(order.customerId))),
        payments: await Promise.all(orders.map((order) => shop.paymentsOfOrder(order.orderId))),
        orders: await Promise.all(orders.map((order) => shop.getOrder(order.orderId))),
      },
      before,
    );
  });

  it('the inspection tool prints the compensated order in causal order, flagging the redelivered copies', async () => {
    const declined = orders[2];
    assert.ok(declined);
    const cli = join(repositoryRoot(), 'apps/inspect/dist/src/main.js');
    // As npm run inspect does: signed in as the read-only inspector user.
    const inspector = (await testInfrastructure()).kafkaAccess.serviceEnvironment('inspector');
    const { stdout } = await run(
      process.execPath,
      [cli, declined.orderId, '--json', '--prefix', system.topicPrefix, '--brokers', system.brokers.join(',')],
      { env: { PATH: process.env['PATH'] ?? '', ...inspector } },
    );
    const timeline = JSON.parse(stdout) as {
      message: { type: string; causationId: string | null; id: string };
      depth: number;
      copy: number;
    }[];

    const firstCopies = timeline.filter((entry) => entry.copy === 1);
    assert.deepEqual(
      firstCopies.map((entry) => [entry.message.type, entry.depth]),
      [
        ['OrderCreated', 0],
        ['StockReserved', 1],
        ['PaymentDeclined', 2],
        ['OrderCancelled', 3],
        ['StockReleased', 4],
      ],
    );
    const seen = new Set<string>();
    for (const entry of timeline) {
      assert.ok(
        entry.message.causationId === null || seen.has(entry.message.causationId),
        `${entry.message.type} comes after its cause`,
      );
      seen.add(entry.message.id);
    }
    assert.ok(
      timeline.some((entry) => entry.copy > 1),
      'the redelivered copies are flagged',
    );
    assert.equal(Math.max(...timeline.map((entry) => entry.copy)), 6);
  });

  it('a poison message goes to the dead-letter topics and the next order still completes', async () => {
    await sendRecords(system.brokers, [
      {
        topic: `${system.topicPrefix}orders.outcomes`,
        key: 'poison',
        value: '{"this is": not json',
        headers: { 'message-id': 'poison' },
      },
    ]);
    const [sku, customer] = [unique('sku'), unique('after-poison')];
    await shop.setStock(sku, 1);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 100);
    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'choreography',
      items: [{ sku, quantity: 1, unitPrice: 100 }],
    });
    assert.equal((await shop.finalOrder(placed.body.orderId)).status, 'CONFIRMED');

    for (const service of ['inventory', 'payment']) {
      const deadLetters = await readTopics({
        brokers: system.brokers,
        topics: [`${system.topicPrefix}${service}.dead-letters`],
        until: (records) => records.some((record) => record.key === 'poison'),
      });
      const poison = deadLetters.find((record) => record.key === 'poison');
      assert.equal(poison?.headers['dead-letter-reason'], 'INVALID_JSON', service);
      assert.equal(poison?.headers['original-topic'], `${system.topicPrefix}orders.outcomes`);
    }
  });

  it('inventory killed (SIGKILL) mid-stream and restarted: every order reaches a final state, nothing doubled', async () => {
    const sku = unique('crash');
    const customers = Array.from({ length: 40 }, (_, index) => unique(`crash${index}`));
    await shop.setStock(sku, 25);
    await shop.setPrice(sku, 500);
    await Promise.all(customers.map((customer) => shop.setBalance(customer, 500)));

    const placing = customers.map((customerId) =>
      shop.placeOrder({ customerId, mode: 'choreography', items: [{ sku, quantity: 1, unitPrice: 500 }] }),
    );
    await sleep(150);
    await system.kill('inventory');
    const placed = await Promise.all(placing);
    await sleep(500);
    await system.restart('inventory');
    const final = await Promise.all(
      placed.map((answer) => shop.finalOrder(answer.body.orderId, { timeoutMs: 90_000 })),
    );

    const confirmed = final.filter((order) => order.status === 'CONFIRMED').length;
    assert.equal(confirmed, 25);
    assert.ok(final.filter((order) => order.status === 'CANCELLED').every((order) => order.reason === 'OUT_OF_STOCK'));
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 0 && stock.reserved === 0,
    );
    const accounts = await Promise.all(customers.map((customer) => shop.getAccount(customer)));
    assert.equal(
      accounts.reduce((sum, account) => sum + account.balance + account.reserved, 0),
      40 * 500 - confirmed * 500,
    );
    const payments = (await Promise.all(final.map((order) => shop.paymentsOfOrder(order.orderId)))).flat();
    assert.equal(payments.filter((payment) => payment.status === 'CAPTURED').length, confirmed);
  });

  it('a payment handler failing by fault injection dead-letters the message, with the reason; nothing is lost silently', async () => {
    const [sku, customer] = [unique('sku'), unique('faulty')];
    await shop.setStock(sku, 3);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 1_000);
    const faults = await shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 1 } });
    assert.equal(faults.status, 200);
    try {
      const placed = await shop.placeOrder({
        customerId: customer,
        mode: 'choreography',
        items: [{ sku, quantity: 1, unitPrice: 100 }],
      });
      const deadLetters = await readTopics({
        brokers: system.brokers,
        topics: [`${system.topicPrefix}payment.dead-letters`],
        until: (records) => records.some((record) => record.key === placed.body.orderId),
        timeoutMs: 60_000,
      });
      const deadLetter = deadLetters.find((record) => record.key === placed.body.orderId);
      assert.equal(deadLetter?.headers['message-type'], 'StockReserved');
      assert.equal(deadLetter?.headers['dead-letter-reason'], 'HANDLER_FAILED');
      assert.match(deadLetter?.headers['dead-letter-error'] ?? '', /injected fault/);
      assert.equal((await shop.getOrder(placed.body.orderId)).status, 'PENDING', 'the saga waits for an operator');
      assert.deepEqual(await shop.paymentsOfOrder(placed.body.orderId), []);
    } finally {
      await shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 0 } });
    }
  });

  async function totalDuplicates(): Promise<number> {
    const counts = await Promise.all(
      (['order', 'inventory', 'payment'] as const).map((service) =>
        counterTotal(system.url(service), 'inbox_duplicates_skipped_total'),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }
});
