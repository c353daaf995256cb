import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { SagaInstance, StepInFlight } from '@dtx/saga';
import { transactionRunner, type TransactionRunner } from '@dtx/sql';
import { createMigratedTestDatabase, serviceMigrationsDirectory, type TestDatabase } from '@dtx/testing';
import { insertSaga, lockDueSagas, lockSaga, lockSagasWithOverdueReplies, saveSaga } from '../src/index.js';

type Data = { orderId: string };

function sagaWith(inFlight: StepInFlight[]): SagaInstance<Data> {
  const orderId = randomUUID();
  return {
    sagaId: randomUUID(),
    orderId,
    type: 'create-order',
    data: { orderId },
    status: 'RUNNING',
    stepIndex: 3,
    inFlight,
    needsAttention: false,
    history: [],
  };
}

describe('saga repository: the steps in flight and their timers', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let transaction: TransactionRunner;
  const now = Date.now();

  before(async () => {
    database = await createMigratedTestDatabase('orchestrator');
    pool = new pg.Pool({ connectionString: database.runtimeUrl });
    transaction = transactionRunner(pool);
  });
  after(async () => {
    await pool.end();
    await database.drop();
  });

  const timerColumns = async (sagaId: string) =>
    (
      await pool.query<{ attempt: number; waiting_for: string; deadline_at: Date | null }>(
        'SELECT attempt, waiting_for, deadline_at FROM saga_instances WHERE id = $1',
        [sagaId],
      )
    ).rows[0];

  it('stores every step in flight and reads them back; the row keeps the earliest timer, where the poller looks', async () => {
    const saga = sagaWith([
      { step: 'capture-payment', attempt: 2, waitingFor: 'reply', deadline: now + 5_000 },
      { step: 'commit-stock', attempt: 1, waitingFor: 'retry', deadline: now + 1_000 },
      { step: 'approve-order', attempt: 1, waitingFor: 'reply', deadline: now + 9_000 },
    ]);
    assert.equal(await transaction((tx) => insertSaga(tx, saga, 'complete-order', undefined)), true);

    assert.deepEqual(await transaction((tx) => lockSaga<Data>(tx, saga.sagaId)), saga);
    assert.deepEqual(await timerColumns(saga.sagaId), {
      attempt: 2,
      waiting_for: 'retry',
      deadline_at: new Date(now + 1_000),
    });
    const dueAt = async (at: number) =>
      (await transaction((tx) => lockDueSagas<Data>(tx, at, 1_000))).some((due) => due.saga.sagaId === saga.sagaId);
    assert.equal(await dueAt(now + 999), false);
    assert.equal(await dueAt(now + 1_000), true);
  });

  it('finds the sagas with an overdue reply, not those whose only overdue timer is a scheduled retry', async () => {
    const overdueReply = sagaWith([
      { step: 'capture-payment', attempt: 1, waitingFor: 'reply', deadline: now - 1_000 },
      { step: 'commit-stock', attempt: 1, waitingFor: 'reply', deadline: now + 5_000 },
    ]);
    const overdueRetry = sagaWith([
      { step: 'capture-payment', attempt: 1, waitingFor: 'retry', deadline: now - 1_000 },
      { step: 'commit-stock', attempt: 1, waitingFor: 'reply', deadline: now + 5_000 },
    ]);
    const nothingOverdue = sagaWith([{ step: 'reserve-stock', attempt: 1, waitingFor: 'reply', deadline: now + 1 }]);
    for (const saga of [overdueReply, overdueRetry, nothingOverdue]) {
      await transaction((tx) => insertSaga(tx, saga, 'complete-order', undefined));
    }
    const found = await transaction((tx) => lockSagasWithOverdueReplies<Data>(tx, now, 1_000));
    const ours = new Set([overdueReply.sagaId, overdueRetry.sagaId, nothingOverdue.sagaId]);
    assert.deepEqual(
      found.filter((saga) => ours.has(saga.sagaId)),
      [overdueReply],
    );
  });

  it('saves a finished saga with nothing in flight and no timer', async () => {
    const saga = sagaWith([{ step: 'approve-order', attempt: 3, waitingFor: 'reply', deadline: now }]);
    await transaction((tx) => insertSaga(tx, saga, 'complete-order', undefined));
    const completed: SagaInstance<Data> = { ...saga, status: 'COMPLETED', inFlight: [] };
    await transaction((tx) => saveSaga(tx, completed, 'complete-order'));

    assert.deepEqual(await transaction((tx) => lockSaga<Data>(tx, saga.sagaId)), completed);
    assert.deepEqual(await timerColumns(saga.sagaId), { attempt: 0, waiting_for: 'nothing', deadline_at: null });
  });

  it('the migration to steps in flight gives a saga stored before it its one step and timer', async () => {
    const sagaId = randomUUID();
    const deadline = new Date(now + 3_000);
    await pool.query(
      `INSERT INTO saga_instances (id, order_id, type, state, current_step, data, step_index, attempt, waiting_for, deadline_at)
       VALUES ($1, $2, 'create-order', 'RUNNING', 'commit-stock', '{}', 4, 2, 'retry', $3)`,
      [sagaId, randomUUID(), deadline],
    );
    const migration = await readFile(
      join(serviceMigrationsDirectory('orchestrator'), '20261127000100_saga_steps_in_flight', 'migration.sql'),
      'utf8',
    );
    const backfill = migration.slice(migration.indexOf('UPDATE'));
    await pool.query(backfill);

    const saga = await transaction((tx) => lockSaga<Data>(tx, sagaId));
    assert.deepEqual(saga?.inFlight, [
      { step: 'commit-stock', attempt: 2, waitingFor: 'retry', deadline: deadline.getTime() },
    ]);
  });
});
