import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PlacedOrder, ShopClient } from '@dtx/shop-client';
import type { PreparedTransactionView, UnfinishedTransactions } from '@dtx/contracts';
import { startSystem, type RunningSystem } from '@dtx/testing';
import pg from 'pg';
import { eventually, shopClientOf } from './support/shop-client.js';
import { armCrashPoint, finishedTransaction, preparedTransactions } from './support/two-phase.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * What the operator console shows of 2PC transactions in doubt: the
 * coordinator's unfinished transactions, and each participant's prepared
 * transactions with the locks they hold, read while the coordinator is held
 * at a crash point (paused, so that it still answers).
 */
describe('2PC transactions in doubt, as an operator lists them', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'coordinator'], {
      environment: { TWO_PC_ANSWER_TIMEOUT_MS: '90000' },
    });
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  const unfinished = async (query = 'state=unfinished'): Promise<UnfinishedTransactions> => {
    const answer = await shop.request('coordinator', 'GET', `/transactions?${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as UnfinishedTransactions;
  };

  const prepared = async (service: 'order' | 'inventory' | 'payment'): Promise<PreparedTransactionView[]> => {
    const answer = await shop.request(service, 'GET', '/2pc/prepared');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as PreparedTransactionView[];
  };

  /** A 2PC order for 2 units of a new SKU, answered once decided; the coordinator is held at `point` for `pauseMs`. */
  async function placeHeldAt(point: 'after-prepare' | 'after-decision', pauseMs: number) {
    const [sku, customer] = [unique('sku'), unique('cust')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 1_000);
    await shop.setBalance(customer, 10_000);
    await armCrashPoint(system, point, { action: 'pause', pauseMs });
    const placed: Promise<PlacedOrder> = shop.placeOrder(
      { customerId: customer, mode: '2pc', items: [{ sku, quantity: 2, unitPrice: 1_000 }] },
      { idempotencyKey: unique('key'), timeoutMs: 120_000 },
    );
    placed.catch(() => undefined);
    return { sku, customer, placed };
  }

  it('undecided: the coordinator lists it PREPARING, each participant its prepared transaction with the locks it holds', async () => {
    const { sku, placed } = await placeHeldAt('after-prepare', 10_000);
    const { items } = await eventually(
      () => unfinished(),
      (list) => list.items.length === 1,
    );
    const [transaction] = items;
    assert.ok(transaction);
    assert.equal(transaction.state, 'PREPARING');
    assert.equal(transaction.id, transaction.orderId);
    assert.deepEqual(
      transaction.participants.map((participant) => [participant.name, participant.vote, participant.outcome]),
      [
        ['order', null, null],
        ['inventory', null, null],
        ['payment', null, null],
      ],
      'the votes are logged with the decision',
    );
    assert.equal(transaction.decidedAt, null);
    assert.ok(transaction.ageMs >= 0 && transaction.ageMs < 60_000, String(transaction.ageMs));
    assert.ok(Date.parse(transaction.createdAt) <= Date.parse(transaction.updatedAt));

    const [inInventory] = await eventually(
      () => prepared('inventory'),
      (list) => list.length === 1,
    );
    assert.ok(inInventory);
    assert.equal(inInventory.gid, `dtx_inventory_${transaction.id}`);
    assert.equal(inInventory.transactionId, transaction.id);
    assert.equal(inInventory.orderId, transaction.orderId);
    assert.match(inInventory.xid, /^\d+$/);
    assert.ok(inInventory.ageMs >= 0 && !Number.isNaN(Date.parse(inInventory.preparedAt)));
    assert.match(inInventory.owner, /_runtime$/, 'prepared by the service as its runtime role');
    const locks = inInventory.locks.map((lock) =>
      [lock.lockType, lock.relation ?? '-', lock.mode, lock.granted].join(' '),
    );
    for (const expected of [
      'relation stock_items RowExclusiveLock true',
      'relation two_phase_participations RowExclusiveLock true',
      'transactionid - ExclusiveLock true',
    ]) {
      assert.ok(locks.includes(expected), `${expected} in ${locks.join(', ')}`);
    }
    for (const service of ['order', 'payment'] as const) {
      const [entry] = await prepared(service);
      assert.equal(entry?.gid, `dtx_${service}_${transaction.id}`, service);
      assert.ok((entry?.locks.length ?? 0) > 0, `${service} holds locks`);
    }

    // A session that needs the stock row waits for the prepared transaction, and is counted.
    const blocked = new pg.Client({ connectionString: system.databaseUrl('inventory') });
    await blocked.connect();
    try {
      await blocked.query("SET lock_timeout = '20s'");
      const waiting = blocked
        .query('UPDATE stock_items SET available = available WHERE sku = $1', [sku])
        .catch((error: unknown) => error);
      await eventually(
        () => prepared('inventory'),
        (list) => list[0]?.waitingSessions === 1,
      );
      const order = await placed;
      assert.equal(order.body.status, 'CONFIRMED', 'decided once the coordinator went on');
      await waiting;
    } finally {
      await blocked.end();
    }
    await finishedTransaction(system, transaction.id);
    assert.deepEqual((await unfinished()).items, []);
    assert.deepEqual(await prepared('inventory'), []);
    assert.deepEqual(await preparedTransactions(system), []);
  });

  it('decided and not yet acknowledged: listed COMMITTING with every vote, oldest first, up to the limit', async () => {
    const first = await placeHeldAt('after-decision', 5_000);
    const { items } = await eventually(
      () => unfinished(),
      (list) => list.items.some((item) => item.state === 'COMMITTING'),
    );
    const [transaction] = items;
    assert.ok(transaction);
    assert.deepEqual(
      transaction.participants.map((participant) => [participant.name, participant.vote, participant.outcome]),
      [
        ['order', 'YES', null],
        ['inventory', 'YES', null],
        ['payment', 'YES', null],
      ],
    );
    assert.ok(transaction.decidedAt && Date.parse(transaction.decidedAt) >= Date.parse(transaction.createdAt));
    assert.equal((await unfinished('state=unfinished&limit=1')).items.length, 1);
    for (const query of ['state=finished', 'limit=5', 'state=unfinished&limit=0', 'state=unfinished&limit=201']) {
      const answer = await shop.request('coordinator', 'GET', `/transactions?${query}`);
      assert.equal(answer.status, 400, query);
    }
    assert.equal((await first.placed).body.status, 'CONFIRMED');
    await finishedTransaction(system, transaction.id);
    assert.deepEqual((await unfinished()).items, []);
  });
});
