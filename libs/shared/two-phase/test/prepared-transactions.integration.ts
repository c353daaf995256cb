import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';
import pg from 'pg';
import { PreparedTransactions, ProtocolViolation, TryAgainLater } from '../src/index.js';

describe('PreparedTransactions: a participant on real PostgreSQL prepared transactions', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let transactions: PreparedTransactions;

  const counter = async () =>
    Number((await pool.query<{ value: string }>('SELECT value FROM lamport_clock WHERE id = 1')).rows[0]?.value ?? 0);
  const work = async (tx: { execute(query: string, ...values: unknown[]): PromiseLike<number> }) => {
    await tx.execute('UPDATE lamport_clock SET value = value + 1 WHERE id = 1');
    return { vote: 'YES' as const };
  };
  const prepared = async () =>
    (
      await pool.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts WHERE database = current_database()')
    ).rows.map((row) => row.gid);

  before(async () => {
    // Any participant's schema has the two_phase_participations table; a counter row stands in for business data.
    database = await createMigratedTestDatabase('inventory');
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 4 });
    await pool.query('INSERT INTO lamport_clock (id, value) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET value = 0');
    transactions = new PreparedTransactions(pool, 'inventory', { lockTimeoutMs: 300 });
  });
  after(async () => {
    for (const gid of await prepared()) {
      await pool.query(`ROLLBACK PREPARED '${gid}'`);
    }
    await pool.end();
    await database.drop();
  });

  it('a YES vote leaves the work prepared: invisible until COMMIT PREPARED, which any session may run', async () => {
    const id = randomUUID();
    assert.deepEqual(await transactions.prepare(id, work), { vote: 'YES' });

    assert.deepEqual(await prepared(), [transactions.gid(id)]);
    assert.equal(await counter(), 0, 'not visible before COMMIT PREPARED');
    await transactions.commit(id);
    assert.equal(await counter(), 1);
    await transactions.commit(id);
    assert.equal(await counter(), 1, 'a repeated commit changes nothing');
    assert.deepEqual(await prepared(), []);
  });

  it('a repeated prepare votes YES again, while prepared and after the commit, and does the work once', async () => {
    const id = randomUUID();
    assert.deepEqual(await transactions.prepare(id, work), { vote: 'YES' });
    assert.deepEqual(await transactions.prepare(id, work), { vote: 'YES' });
    await transactions.commit(id);
    assert.deepEqual(await transactions.prepare(id, work), { vote: 'YES' });
    assert.equal(await counter(), 2, 'the work of the first test and of this one, once each');
    assert.deepEqual(await prepared(), []);
  });

  it('a prepare repeated while the first is prepared votes YES at once, not after the lock timeout', async () => {
    // The first prepare's replica died before answering; its prepared transaction holds the participation row.
    const patient = new PreparedTransactions(pool, 'inventory', { lockTimeoutMs: 10_000 });
    const id = randomUUID();
    assert.deepEqual(await patient.prepare(id, work), { vote: 'YES' });

    const startedAt = performance.now();
    assert.deepEqual(await patient.prepare(id, work), { vote: 'YES' });
    const elapsedMs = performance.now() - startedAt;
    await patient.abort(id);
    assert.ok(elapsedMs < 5_000, `the repeated prepare took ${Math.round(elapsedMs)} ms`);
    assert.equal(await counter(), 2, 'the work of the earlier tests only');
  });

  it('a prepare repeated while the first still runs waits for it: when the first rolls back, it does the work', async () => {
    const id = randomUUID();
    // The first prepare's session, its participation row claimed, not prepared yet.
    const first = await pool.connect();
    await first.query('BEGIN');
    await first.query(
      `INSERT INTO two_phase_participations (gid, transaction_id, outcome) VALUES ($1, $2::uuid, 'COMMITTED')`,
      [transactions.gid(id), id],
    );
    const repeated = transactions.prepare(id, work);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.query('ROLLBACK');
    first.release();

    assert.deepEqual(await repeated, { vote: 'YES' });
    assert.ok((await prepared()).includes(transactions.gid(id)), 'the repeated prepare prepared the work');
    await transactions.abort(id);
    assert.equal(await counter(), 2);
  });

  it('while prepared, its row locks are held: another prepare on the same row votes NO (LOCK_TIMEOUT)', async () => {
    const [holder, waiter] = [randomUUID(), randomUUID()];
    await transactions.prepare(holder, work);

    assert.deepEqual(await transactions.prepare(waiter, work), { vote: 'NO', reason: 'LOCK_TIMEOUT' });
    assert.deepEqual(
      (await transactions.pending()).map((entry) => entry.transactionId),
      [holder],
    );
    await transactions.abort(holder);
    assert.equal(await counter(), 2, 'the abort rolled the work back');
  });

  it('a NO vote rolls back at once and prepares nothing', async () => {
    const id = randomUUID();
    const vote = await transactions.prepare(id, async (tx) => {
      await tx.execute('UPDATE lamport_clock SET value = value + 100 WHERE id = 1');
      return { vote: 'NO', reason: 'OUT_OF_STOCK' };
    });
    assert.deepEqual(vote, { vote: 'NO', reason: 'OUT_OF_STOCK' });
    assert.deepEqual(await prepared(), []);
    assert.equal(await counter(), 2);
  });

  it('an abort is remembered: a late prepare votes NO, a commit is refused, a repeated abort is harmless', async () => {
    const id = randomUUID();
    await transactions.abort(id);
    await transactions.abort(id);

    assert.deepEqual(await transactions.prepare(id, work), { vote: 'NO', reason: 'ABORTED_BEFORE_PREPARE' });
    await assert.rejects(transactions.commit(id), ProtocolViolation);
    assert.equal(await counter(), 2);
  });

  it('an abort while the prepare still runs asks to be retried, then finds the prepared transaction', async () => {
    const id = randomUUID();
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const preparing = transactions.prepare(id, async (tx) => {
      await tx.execute('UPDATE lamport_clock SET value = value + 1 WHERE id = 1');
      await gate;
      return { vote: 'YES' };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    await assert.rejects(transactions.abort(id), TryAgainLater);
    release();
    assert.deepEqual(await preparing, { vote: 'YES' });
    await transactions.abort(id);
    assert.deepEqual(await prepared(), []);
    assert.equal(await counter(), 2);
  });

  it('committing what was never prepared is a protocol violation', async () => {
    await assert.rejects(transactions.commit(randomUUID()), ProtocolViolation);
  });

  it('COMMIT PREPARED runs on a pool of its own: not behind prepares that hold every connection waiting for its lock', async () => {
    const busy = new pg.Pool({ connectionString: database.runtimeUrl, max: 2 });
    const phaseTwoPool = new pg.Pool({ connectionString: database.runtimeUrl, max: 1 });
    const contended = new PreparedTransactions(busy, 'inventory', { lockTimeoutMs: 3_000, phaseTwoPool });
    try {
      const holder = randomUUID();
      assert.deepEqual(await contended.prepare(holder, work), { vote: 'YES' });
      // Both of the pool's connections wait for the row the prepared transaction holds.
      const waiting = [randomUUID(), randomUUID()];
      const votes = waiting.map((id) => contended.prepare(id, work));
      await new Promise((resolve) => setTimeout(resolve, 300));

      const startedAt = performance.now();
      await contended.commit(holder);
      const elapsedMs = performance.now() - startedAt;
      assert.ok(elapsedMs < 1_500, `COMMIT PREPARED waited ${Math.round(elapsedMs)} ms for a connection`);

      // One of them gets the row and prepares; the other times out behind it.
      const settled = await Promise.all(votes);
      assert.deepEqual(settled.map((vote) => vote.vote).sort(), ['NO', 'YES']);
      for (const [index, id] of waiting.entries()) {
        if (settled[index]?.vote === 'YES') {
          await contended.abort(id);
        }
      }
      assert.deepEqual(await prepared(), []);
    } finally {
      await Promise.all([busy.end(), phaseTwoPool.end()]);
    }
  });

  it('a test database a run left with a prepared transaction is dropped all the same, the transaction rolled back', async () => {
    const leftBehind = await createMigratedTestDatabase('inventory');
    const client = new pg.Client({ connectionString: leftBehind.runtimeUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query('UPDATE lamport_clock SET value = value + 1 WHERE id = 1');
    await client.query(`PREPARE TRANSACTION 'left-behind-${randomUUID()}'`);
    await client.end();

    await leftBehind.drop();
    const remaining = await pool.query(
      `SELECT (SELECT count(*)::int FROM pg_prepared_xacts WHERE database = $1) AS prepared,
              (SELECT count(*)::int FROM pg_database WHERE datname = $1) AS databases`,
      [leftBehind.name],
    );
    assert.deepEqual(remaining.rows[0], { prepared: 0, databases: 0 });
  });
});
