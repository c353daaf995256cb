import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ApiErrorBody, PlaceOrderRequest } from '@dtx/contracts';
import type { ShopClient } from '@dtx/shop-client';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { eventually, shopClientOf } from './support/shop-client.js';
import { asCoordinator, finishedTransaction, preparedTransactions, queryDatabase } from './support/two-phase.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('orders by two-phase commit: all three databases commit together or not at all', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'coordinator']);
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  it('confirms an order: 201 once decided, and stock, payment and order are committed by then', async () => {
    const [sku, customer] = [unique('sku'), unique('ada')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 1_500);
    await shop.setBalance(customer, 10_000);

    const placed = await shop.placeOrder({
      customerId: customer,
      mode: '2pc',
      items: [{ sku, quantity: 2, unitPrice: 1_500 }],
    });

    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.status, 'CONFIRMED');
    assert.equal(placed.body.mode, '2pc');
    assert.equal((await shop.getOrder(placed.body.orderId)).status, 'CONFIRMED');
    const transaction = await finishedTransaction(system, placed.body.orderId);
    assert.deepEqual(transaction, {
      id: placed.body.orderId,
      orderId: placed.body.orderId,
      state: 'COMMITTED',
      participants: [
        { name: 'order', vote: 'YES', outcome: 'COMMITTED' },
        { name: 'inventory', vote: 'YES', outcome: 'COMMITTED' },
        { name: 'payment', vote: 'YES', outcome: 'COMMITTED' },
      ],
    });
    assert.deepEqual(await shop.getStock(sku), { sku, available: 3, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 7_000, reserved: 0 });
    assert.deepEqual(
      (await shop.paymentsOfOrder(placed.body.orderId)).map((payment) => [payment.status, payment.amount]),
      [['CAPTURED', 3_000]],
    );
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('out of stock: inventory votes NO, the answer is 200 CANCELLED, and no database keeps anything of it', async () => {
    const [sku, customer] = [unique('sku'), unique('bo')];
    await shop.setStock(sku, 1);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 10_000);

    const placed = await shop.placeOrder({
      customerId: customer,
      mode: '2pc',
      items: [{ sku, quantity: 2, unitPrice: 100 }],
    });

    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assert.deepEqual([placed.body.status, placed.body.reason], ['CANCELLED', 'OUT_OF_STOCK']);
    const order = await shop.getOrder(placed.body.orderId);
    assert.deepEqual([order.status, order.reason], ['CANCELLED', 'OUT_OF_STOCK']);
    const transaction = await finishedTransaction(system, placed.body.orderId);
    assert.equal(transaction.state, 'ABORTED');
    assert.equal(transaction.reason, 'OUT_OF_STOCK');
    assert.deepEqual(
      transaction.participants.map((participant) => [participant.name, participant.vote, participant.outcome]),
      [
        ['order', 'YES', 'ABORTED'],
        ['inventory', 'NO', 'ABORTED'],
        ['payment', 'YES', 'ABORTED'],
      ],
    );
    assert.deepEqual(await shop.getStock(sku), { sku, available: 1, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 10_000, reserved: 0 });
    assert.deepEqual(await shop.paymentsOfOrder(placed.body.orderId), []);
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('payment declined: payment votes NO and the stock the order would have taken is untouched', async () => {
    const [sku, customer] = [unique('sku'), unique('cy')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 500);
    await shop.setBalance(customer, 100);

    const placed = await shop.placeOrder({
      customerId: customer,
      mode: '2pc',
      items: [{ sku, quantity: 1, unitPrice: 500 }],
    });

    assert.equal(placed.status, 200);
    assert.deepEqual([placed.body.status, placed.body.reason], ['CANCELLED', 'PAYMENT_DECLINED']);
    await finishedTransaction(system, placed.body.orderId);
    assert.deepEqual(await shop.getStock(sku), { sku, available: 5, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 100, reserved: 0 });
    const reservations = await queryDatabase(
      system,
      'inventory',
      'SELECT 1 FROM reservations WHERE order_id = $1::uuid',
      [placed.body.orderId],
    );
    assert.deepEqual(reservations, []);
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('replaying the request with the same Idempotency-Key returns the same outcome and runs nothing again', async () => {
    const [sku, customer, key] = [unique('sku'), unique('di'), unique('key')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 700);
    await shop.setBalance(customer, 10_000);
    const order: PlaceOrderRequest = {
      customerId: customer,
      mode: '2pc',
      items: [{ sku, quantity: 1, unitPrice: 700 }],
    };

    const first = await shop.placeOrder(order, { idempotencyKey: key });
    const again = await shop.placeOrder(order, { idempotencyKey: key });

    assert.equal(first.status, 201);
    assert.deepEqual(again, first);
    assert.deepEqual(await shop.getStock(sku), { sku, available: 4, reserved: 0 });
    assert.equal((await shop.getAccount(customer)).balance, 9_300);
  });

  it('two orders racing for the last unit: exactly one is confirmed', async () => {
    // Two customers, so the orders meet on the stock row only: with one account as well, each could
    // hold one of the two rows the other waits for, and both would end with LOCK_TIMEOUT (2PC blocks).
    const [sku, customers] = [unique('sku'), [unique('ed'), unique('flo')]];
    await shop.setStock(sku, 1);
    await shop.setPrice(sku, 100);
    for (const customer of customers) {
      await shop.setBalance(customer, 10_000);
    }

    const answers = await Promise.all(
      customers.map((customerId) =>
        shop.placeOrder({ customerId, mode: '2pc', items: [{ sku, quantity: 1, unitPrice: 100 }] }),
      ),
    );

    const statuses = answers.map((answer) => answer.body.status).sort();
    assert.deepEqual(statuses, ['CANCELLED', 'CONFIRMED']);
    assert.deepEqual(await shop.getStock(sku), { sku, available: 0, reserved: 0 });
    const balances = await Promise.all(customers.map(async (customer) => (await shop.getAccount(customer)).balance));
    assert.deepEqual(
      balances.sort((a, b) => a - b),
      [9_900, 10_000],
      'only the confirmed order was charged',
    );
  });

  it('GET /transactions/:id is 404 for an unknown id and 400 for a malformed one', async () => {
    assert.equal((await shop.request('coordinator', 'GET', `/transactions/${randomUUID()}`)).status, 404);
    const malformed = await shop.request('coordinator', 'GET', '/transactions/not-a-uuid');
    assert.equal(malformed.status, 400);
    assert.equal((malformed.body as ApiErrorBody).details?.[0]?.path, 'id');
  });

  it('a prepare that arrives after its abort votes NO and prepares nothing', async () => {
    const transactionId = randomUUID();
    const [sku, customer] = [unique('sku'), unique('fay')];
    await shop.setStock(sku, 5);
    const transaction = `/2pc/transactions/${transactionId}`;
    const abort = await asCoordinator(system, 'inventory', `${transaction}/abort`, {
      orderId: transactionId,
      reason: 'TIMEOUT',
    });
    assert.deepEqual(abort.body, { outcome: 'ABORTED' });

    const prepare = await asCoordinator(system, 'inventory', `${transaction}/prepare`, {
      orderId: transactionId,
      customerId: customer,
      items: [{ sku, quantity: 1, unitPrice: 1 }],
      total: 1,
    });

    assert.deepEqual(prepare.body, { vote: 'NO', reason: 'ABORTED_BEFORE_PREPARE' });
    assert.deepEqual(await shop.getStock(sku), { sku, available: 5, reserved: 0 });
    assert.deepEqual(await preparedTransactions(system), []);
    const commit = await asCoordinator(system, 'inventory', `${transaction}/commit`);
    assert.equal(commit.status, 409, 'an aborted transaction cannot be committed');
  });

  it('exposes the in-doubt metrics: the coordinator by state, each participant its prepared transactions', async () => {
    const coordinator = await (await fetch(`${system.url('coordinator')}/metrics`)).text();
    assert.match(coordinator, /dtx_2pc_in_doubt_transactions\{state="PREPARING"[^}]*\} 0/);
    assert.match(coordinator, /dtx_2pc_decisions_total\{outcome="COMMITTED",reason=""[^}]*\} [1-9]/);
    assert.match(coordinator, /dtx_2pc_decisions_total\{outcome="ABORTED",reason="OUT_OF_STOCK"[^}]*\} [1-9]/);
    await eventually(
      async () => fetch(`${system.url('payment')}/metrics`).then((response) => response.text()),
      (text) => /dtx_2pc_prepared_transactions\{[^}]*\} 0/.test(text),
    );
  });
});
