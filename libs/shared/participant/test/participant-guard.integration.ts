import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ACTION_REFUSED } from '@dtx/contracts';
import { isUniqueViolation, transactionRunner, type SqlTransaction, type TransactionRunner } from '@dtx/sql';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';
import { sleep } from '@dtx/util';
import pg from 'pg';
import { guardAction, guardCompensation, type StepResult } from '../src/lib/participant-guard.js';

/*
 * A step's action and its compensation in two transactions at once, on a
 * real PostgreSQL: whichever writes the step's row first, the other sees it
 * and acts on it, and no effect is left without its undoing.
 */
describe('the participant guard with an action and its compensation at once, on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let transaction: TransactionRunner;

  const reserve = { name: 'reserve-stock', mode: 'orchestration' } as const;
  const release = { name: 'release-stock', mode: 'orchestration' } as const;
  const reserved = async (): Promise<StepResult<'StockReserved'>> => ({ outcome: 'StockReserved', events: [] });

  /** A transaction that writes with `work`, then stays open until `commit` is called. */
  function heldOpen<Result>(work: (tx: SqlTransaction) => Promise<Result>) {
    let commit!: () => void;
    let written!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const hasWritten = new Promise<void>((resolve) => (written = resolve));
    const done = transaction(async (tx) => {
      const result = await work(tx);
      await tx.query('SELECT 1'); // sends what the guard deferred
      written();
      await committing;
      return result;
    });
    return { hasWritten, commit, done };
  }

  /** Resolves once a statement of this database waits for a lock another transaction holds. */
  async function untilWaitingForLock() {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0]?.waiting) {
        return;
      }
      assert.ok(Date.now() < deadline, 'no statement came to wait for the other transaction');
      await sleep(20);
    }
  }

  const stepRow = async (orderId: string) =>
    (
      await pool.query<{ state: string; action_outcome: string | null; compensation_outcome: string | null }>(
        `SELECT state, action_outcome, compensation_outcome FROM participant_steps WHERE order_id = $1 AND resource = 'stock'`,
        [orderId],
      )
    ).rows;

  before(async () => {
    database = await createMigratedTestDatabase('inventory');
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 4 });
    transaction = transactionRunner(pool);
  });

  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('undoes an action that commits while a compensation that found no step records itself', async () => {
    const key = { orderId: randomUUID(), resource: 'stock' };
    const action = heldOpen((tx) => guardAction(tx, key, reserve, reserved));
    await action.hasWritten;

    let undone = 0;
    const compensation = transaction((tx) =>
      guardCompensation(tx, key, release, 'StockReleased', async () => {
        undone++;
        return { outcome: 'StockReleased', events: [] };
      }),
    );
    await untilWaitingForLock();
    action.commit();

    assert.equal((await action.done).outcome, 'StockReserved');
    assert.equal((await compensation).outcome, 'StockReleased');
    assert.equal(undone, 1, 'the reservation that committed meanwhile was released');
    assert.deepEqual(await stepRow(key.orderId), [
      { state: 'COMPENSATED', action_outcome: 'StockReserved', compensation_outcome: 'StockReleased' },
    ]);
  });

  it('refuses an action that comes while a compensation that came first commits', async () => {
    const key = { orderId: randomUUID(), resource: 'stock' };
    const compensation = heldOpen((tx) =>
      guardCompensation(tx, key, release, 'StockReleased', () => assert.fail('nothing to undo')),
    );
    await compensation.hasWritten;

    let acted = 0;
    const act = () =>
      transaction((tx) =>
        guardAction(tx, key, reserve, async () => {
          acted++;
          return reserved();
        }),
      );
    // Its failure is taken as soon as it comes: the test is still awaiting the compensation then.
    const firstTry = act().then(
      () => undefined,
      (error: unknown) => error,
    );
    await untilWaitingForLock();
    compensation.commit();
    await compensation.done;

    // The step's record meets the compensation's on the primary key: the action rolls back with it.
    assert.ok(isUniqueViolation(await firstTry), 'the first try failed on the step key');
    assert.deepEqual(await act(), {
      outcome: ACTION_REFUSED,
      reason: 'the step was compensated before its action arrived',
      events: [],
    });
    assert.equal(acted, 1, 'only the try that rolled back ran the action');
    assert.deepEqual(await stepRow(key.orderId), [
      { state: 'COMPENSATED', action_outcome: null, compensation_outcome: 'StockReleased' },
    ]);
  });
});
