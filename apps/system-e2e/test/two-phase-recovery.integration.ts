import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CrashPoint } from '@dtx/contracts';
import type { PlacedOrder, ShopClient } from '@dtx/shop-client';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';
import { eventually, shopClientOf } from './support/shop-client.js';
import { armCrashPoint, finishedTransaction, preparedTransactions, queryDatabase } from './support/two-phase.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Whether a promise has settled within `ms`, without waiting for it longer. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    sleep(ms).then(() => false),
  ]);
}

describe('two-phase commit survives a killed coordinator or participant, and blocks while it waits', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'coordinator'], {
      environment: { TWO_PC_ANSWER_TIMEOUT_MS: '90000', PHASE_TWO_RETRY_INTERVAL_MS: '300' },
    });
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  /**
   * A 2PC order for 2 units at 1,000 each, placed in the background, by a
   * customer who can pay; the SKU's stock is set to `stock` first unless
   * that is undefined. The price is in the order service's catalog, which
   * no prepared transaction locks.
   */
  async function placeInBackground(
    sku: string,
    stock: number | undefined = 5,
  ): Promise<{ customer: string; placed: Promise<PlacedOrder> }> {
    const customer = unique('cust');
    if (stock !== undefined) {
      await shop.setStock(sku, stock);
    }
    await shop.setPrice(sku, 1_000);
    await shop.setBalance(customer, 10_000);
    const placed = shop.placeOrder(
      { customerId: customer, mode: '2pc', items: [{ sku, quantity: 2, unitPrice: 1_000 }] },
      { idempotencyKey: unique('key'), timeoutMs: 120_000 },
    );
    // Awaited later by the test; until then a failed answer must not count as an unhandled rejection.
    placed.catch(() => undefined);
    return { customer, placed };
  }

  async function killedAt(point: CrashPoint) {
    await armCrashPoint(system, point);
    const sku = unique('sku');
    const { customer, placed } = await placeInBackground(sku);
    const exit = await system.process('coordinator').exited();
    assert.equal(exit.signal, 'SIGKILL', `the coordinator died by SIGKILL at ${point}`);
    return { sku, customer, placed };
  }

  it('killed after every participant voted YES, before any decision: restarted, it aborts (presumed abort)', async () => {
    const { sku, customer, placed } = await killedAt('after-prepare');
    const inDoubt = await preparedTransactions(system);
    assert.equal(
      inDoubt.length,
      3,
      `order, inventory and payment each hold a prepared transaction: ${JSON.stringify(inDoubt)}`,
    );

    await system.restart('coordinator');

    const answer = await placed;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual([answer.body.status, answer.body.reason], ['CANCELLED', 'PRESUMED_ABORT']);
    const transaction = await finishedTransaction(system, answer.body.orderId);
    assert.equal(transaction.state, 'ABORTED');
    assert.deepEqual(await shop.getStock(sku), { sku, available: 5, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 10_000, reserved: 0 });
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('killed after logging COMMIT, before phase 2: restarted, it commits everywhere', async () => {
    const { sku, customer, placed } = await killedAt('after-decision');
    assert.equal((await preparedTransactions(system)).length, 3);

    await system.restart('coordinator');

    const answer = await placed;
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal((await finishedTransaction(system, answer.body.orderId)).state, 'COMMITTED');
    assert.equal((await shop.getOrder(answer.body.orderId)).status, 'CONFIRMED');
    assert.deepEqual(await shop.getStock(sku), { sku, available: 3, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 8_000, reserved: 0 });
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('killed in the middle of phase 2: restarted, it finishes committing', async () => {
    const { sku, customer, placed } = await killedAt('mid-phase-two');

    await system.restart('coordinator');

    const answer = await placed;
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const transaction = await finishedTransaction(system, answer.body.orderId);
    assert.deepEqual(
      transaction.participants.map((participant) => participant.outcome),
      ['COMMITTED', 'COMMITTED', 'COMMITTED'],
    );
    assert.deepEqual(await shop.getStock(sku), { sku, available: 3, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 8_000, reserved: 0 });
    assert.deepEqual(
      (await shop.paymentsOfOrder(answer.body.orderId)).map((payment) => payment.status),
      ['CAPTURED'],
    );
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('a participant killed after voting YES applies the commit when it comes back', async () => {
    await armCrashPoint(system, 'after-prepare', { action: 'pause', pauseMs: 3_000 });
    const sku = unique('sku');
    const { customer, placed } = await placeInBackground(sku);
    await eventually(
      () => preparedTransactions(system),
      (prepared) => prepared.some((entry) => entry.gid.startsWith('dtx_payment_')),
    );

    await system.kill('payment');
    const answer = await placed;
    assert.equal(answer.status, 201, 'the decision (commit) stands while payment is down');
    const stillPrepared = await preparedTransactions(system);
    assert.deepEqual(
      stillPrepared.map((entry) => entry.gid.split('_')[1]),
      ['payment'],
      'payment has not acknowledged: its prepared transaction is in doubt, its locks held',
    );
    await system.restart('payment');

    const transaction = await finishedTransaction(system, answer.body.orderId);
    assert.equal(transaction.state, 'COMMITTED');
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 8_000, reserved: 0 });
    assert.deepEqual(await shop.getStock(sku), { sku, available: 3, reserved: 0 });
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('blocking: while the coordinator is down its prepared locks stay held; a 2PC order for the same SKU waits, saga orders elsewhere go on', async () => {
    const sku = unique('hot');
    await armCrashPoint(system, 'after-prepare');
    const blocker = await placeInBackground(sku, 5);
    assert.equal((await system.process('coordinator').exited()).signal, 'SIGKILL');

    // The prepared transaction holds the stock row: nobody can lock it now.
    await assert.rejects(
      queryDatabase(system, 'inventory', 'SELECT available FROM stock_items WHERE sku = $1 FOR UPDATE NOWAIT', [sku]),
      (error: { code?: string }) => error.code === '55P03',
    );
    const locks = await queryDatabase<{ mode: string }>(
      system,
      'inventory',
      `SELECT l.mode FROM pg_locks l JOIN pg_prepared_xacts p ON p.transaction = l.transactionid
        WHERE l.locktype = 'transactionid' AND p.gid LIKE 'dtx_inventory_%'`,
    );
    assert.ok(locks.length >= 1, 'the prepared transaction holds its transaction lock');

    // Setting the stock now would itself wait for the lock: the SKU already has plenty.
    const waiting = placeInBackground(sku, undefined).then(({ placed }) => placed);
    const sagaSku = unique('sku');
    const sagaCustomer = unique('saga');
    await shop.setStock(sagaSku, 10);
    await shop.setPrice(sagaSku, 100);
    await shop.setBalance(sagaCustomer, 10_000);
    const saga = await shop.placeOrder({
      customerId: sagaCustomer,
      mode: 'choreography',
      items: [{ sku: sagaSku, quantity: 1, unitPrice: 100 }],
    });
    assert.equal(
      (await shop.finalOrder(saga.body.orderId)).status,
      'CONFIRMED',
      'a saga order on another SKU is not blocked',
    );
    assert.equal(await settledWithin(waiting, 2_000), false, 'the second 2PC order is still waiting');
    assert.equal((await preparedTransactions(system)).length, 3);

    await system.restart('coordinator');

    const blocked = await blocker.placed;
    assert.deepEqual([blocked.body.status, blocked.body.reason], ['CANCELLED', 'PRESUMED_ABORT']);
    const second = await waiting;
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.deepEqual(await preparedTransactions(system), []);
  });
});
