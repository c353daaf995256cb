import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { BeginTransaction } from '@dtx/contracts';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';
import pg from 'pg';
import { TransactionLog, transactionView } from '../src/index.js';

describe('TransactionLog: one statement per step of a transaction', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let log: TransactionLog;

  const newTransaction = (): BeginTransaction => {
    const id = randomUUID();
    return {
      transactionId: id,
      orderId: id,
      customerId: 'ada',
      items: [{ sku: 'BOOK', quantity: 2, unitPrice: 1_500 }],
      total: 3_000,
    };
  };
  const view = async (id: string) => {
    const transaction = await log.find(id);
    assert.ok(transaction, `transaction ${id} is logged`);
    return transactionView(transaction);
  };

  before(async () => {
    database = await createMigratedTestDatabase('coordinator');
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 4 });
    log = new TransactionLog(pool);
  });
  after(async () => {
    await pool.end();
    await database.drop();
  });

  it('begins a transaction once, PREPARING with every participant and no vote yet', async () => {
    const request = newTransaction();
    assert.equal(await log.begin(request, undefined), true);
    assert.equal(await log.begin(request, undefined), false, 'a repeated request joins the first');

    const transaction = await log.find(request.transactionId);
    assert.deepEqual(transaction?.work, {
      orderId: request.orderId,
      customerId: 'ada',
      items: request.items,
      total: 3_000,
    });
    assert.deepEqual(await view(request.transactionId), {
      id: request.transactionId,
      orderId: request.orderId,
      state: 'PREPARING',
      participants: [
        { name: 'order', vote: null, outcome: null },
        { name: 'inventory', vote: null, outcome: null },
        { name: 'payment', vote: null, outcome: null },
      ],
    });
  });

  it('logs the votes with the decision; the first decision stands', async () => {
    const request = newTransaction();
    await log.begin(request, undefined);

    const decided = await log.decide(request.transactionId, 'ABORTED', 'OUT_OF_STOCK', [
      { participant: 'order', vote: { vote: 'YES' } },
      { participant: 'inventory', vote: { vote: 'NO', reason: 'OUT_OF_STOCK' } },
      { participant: 'payment', vote: { vote: 'YES' } },
    ]);
    assert.deepEqual(decided, { outcome: 'ABORTED', reason: 'OUT_OF_STOCK' });
    assert.deepEqual(await log.decide(request.transactionId, 'COMMITTED', undefined), decided);

    const transaction = await view(request.transactionId);
    assert.deepEqual(
      [transaction.state, transaction.reason, transaction.participants.map((participant) => participant.vote)],
      ['ABORTING', 'OUT_OF_STOCK', ['YES', 'NO', 'YES']],
    );
  });

  it('finishes a transaction in the round of phase 2 that leaves no acknowledgement missing', async () => {
    const request = newTransaction();
    await log.begin(request, undefined);
    await log.decide(request.transactionId, 'COMMITTED', undefined);

    const firstRound = await log.recordPhaseTwo(request.transactionId, [
      { participant: 'order', acknowledged: 'COMMITTED' },
      { participant: 'inventory', acknowledged: 'COMMITTED' },
      { participant: 'payment', error: 'payment: connect ECONNREFUSED' },
    ]);
    assert.equal(firstRound, false);
    const { rows } = await pool.query<{ attempts: number; last_error: string | null }>(
      "SELECT attempts, last_error FROM transaction_participants WHERE transaction_id = $1 AND name = 'payment'",
      [request.transactionId],
    );
    assert.deepEqual(rows, [{ attempts: 1, last_error: 'payment: connect ECONNREFUSED' }]);
    assert.equal((await view(request.transactionId)).state, 'COMMITTING');

    const secondRound = await log.recordPhaseTwo(request.transactionId, [
      { participant: 'payment', acknowledged: 'COMMITTED' },
    ]);
    assert.equal(secondRound, true);
    const transaction = await view(request.transactionId);
    assert.deepEqual(
      [transaction.state, transaction.participants.map((participant) => participant.outcome)],
      ['COMMITTED', ['COMMITTED', 'COMMITTED', 'COMMITTED']],
    );
    const unfinished = (await log.unfinished(100)).map((entry) => entry.id);
    assert.equal(unfinished.includes(request.transactionId), false, 'nothing left for recovery');
  });

  it('a round with nothing to send finishes a transaction whose acknowledgements are all logged', async () => {
    const request = newTransaction();
    await log.begin(request, undefined);
    await log.decide(request.transactionId, 'ABORTED', 'PAYMENT_DECLINED');
    await pool.query("UPDATE transaction_participants SET outcome = 'ABORTED' WHERE transaction_id = $1", [
      request.transactionId,
    ]);

    assert.equal(await log.recordPhaseTwo(request.transactionId, []), true);
    assert.equal((await view(request.transactionId)).state, 'ABORTED');
  });
});
