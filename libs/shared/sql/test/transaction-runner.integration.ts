import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@dtx/testing';
import pg from 'pg';
import { transactionRunner } from '../src/index.js';
import type { TransactionRunner } from '../src/index.js';

describe('the transaction runner, on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let transaction: TransactionRunner;
  /** How many times the server said it was ready for the next query: one per round trip. */
  let roundTrips = 0;

  const rows = async () =>
    (await pool.query<{ value: string }>('SELECT value FROM entries ORDER BY value')).rows.map((row) => row.value);
  const insert = 'INSERT INTO entries (value) VALUES ($1)';

  before(async () => {
    database = await createTestDatabase('sql');
    // One connection, so that every transaction of a test runs on the one whose round trips are counted.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on('connect', (client) => {
      (client as unknown as { connection: pg.Connection }).connection.on('readyForQuery', () => roundTrips++);
    });
    await pool.query('CREATE TABLE entries (value text PRIMARY KEY CHECK (value <> $$forbidden$$))');
    transaction = transactionRunner(pool);
  });

  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE entries');
    // Every statement text this suite sends once, so that each is parsed on the connection before it is counted.
    await transaction(async (tx) => {
      await tx.execute(insert, 'warm-up');
      await tx.query('SELECT value FROM entries WHERE value = $1', 'warm-up');
      await tx.committing?.query(`${insert} RETURNING value`, 'warm-up 2');
    });
    await pool.query('TRUNCATE entries');
    roundTrips = 0;
  });

  it('sends BEGIN with the first statement and COMMIT with the last: one round trip per statement', async () => {
    const answers = await transaction(async (tx) => {
      const inserted = await tx.execute(insert, 'a');
      const read = await tx.query<{ value: string }>('SELECT value FROM entries WHERE value = $1', 'a');
      assert.ok(tx.committing, 'the runner sends COMMIT with a last statement');
      const last = await tx.committing.query<{ value: string }>(`${insert} RETURNING value`, 'b');
      return { inserted, read, last };
    });
    // Each statement answers for itself, not for the BEGIN or COMMIT sent with it.
    assert.deepEqual(answers, { inserted: 1, read: [{ value: 'a' }], last: [{ value: 'b' }] });
    assert.equal(roundTrips, 3);
    assert.deepEqual(await rows(), ['a', 'b']);
  });

  it('sends a deferred statement with the next one, in its round trip, and in order', async () => {
    const read = await transaction(async (tx) => {
      await tx.execute(insert, 'a');
      assert.ok(tx.defer, 'the runner defers statements');
      tx.defer(insert, 'b');
      tx.defer(insert, 'c');
      const seen = await tx.query<{ value: string }>('SELECT value FROM entries WHERE value = $1', 'c');
      await tx.committing?.query(`${insert} RETURNING value`, 'd');
      return seen;
    });
    assert.deepEqual(read, [{ value: 'c' }], 'the statement after them sees what they wrote, and only its own rows');
    assert.equal(roundTrips, 3);
    assert.deepEqual(await rows(), ['a', 'b', 'c', 'd']);
  });

  it('sends deferred statements with the COMMIT when no statement follows them', async () => {
    await transaction(async (tx) => {
      await tx.execute(insert, 'a');
      tx.defer?.(insert, 'b');
    });
    assert.equal(roundTrips, 2);
    assert.deepEqual(await rows(), ['a', 'b']);
  });

  it('fails the next statement, and rolls back, when a deferred statement fails', async () => {
    await assert.rejects(
      transaction(async (tx) => {
        await tx.execute(insert, 'a');
        tx.defer?.(insert, 'forbidden');
        await tx.committing?.query(`${insert} RETURNING value`, 'b');
      }),
      /violates check constraint/,
    );
    await assert.rejects(
      transaction(async (tx) => {
        await tx.execute(insert, 'a');
        tx.defer?.(insert, 'a');
      }),
      /duplicate key/,
      'a deferred statement that fails with the COMMIT fails the transaction',
    );
    assert.deepEqual(await rows(), []);
  });

  it('parses a statement not yet parsed on the connection in the round trip that runs it', async () => {
    const text = `${insert} -- deferred, parsed here first`;
    const select = 'SELECT value FROM entries WHERE value = $1 -- parsed here first';
    const seen = await transaction(async (tx) => {
      await tx.execute(insert, 'a');
      tx.defer?.(text, 'b');
      const read = await tx.query<{ value: string }>(select, 'b');
      await tx.committing?.query(`${insert} RETURNING value`, 'c');
      return read;
    });
    assert.deepEqual(seen, [{ value: 'b' }]);
    assert.equal(roundTrips, 3, 'parsing costs no round trip of its own');
    roundTrips = 0;
    await transaction(async (tx) => {
      await tx.execute(insert, 'd');
      tx.defer?.(text, 'e');
      await tx.query(select, 'e');
    });
    assert.equal(roundTrips, 3, 'parsed once, each is only bound and run');
    assert.deepEqual(await rows(), ['a', 'b', 'c', 'd', 'e']);
  });

  it('sends the statements asked for side by side in one round trip, each answered for itself', async () => {
    const select = 'SELECT value FROM entries WHERE value = $1';
    const answers = await transaction(async (tx) => {
      tx.defer?.(insert, 'a');
      return Promise.all([
        tx.query<{ value: string }>(select, 'a'),
        tx.execute(insert, 'b'),
        (async () => {
          const inserted = await tx.execute(insert, 'c');
          // Asked after its first answer: the next round trip, with whatever else is asked by then.
          return [inserted, await tx.query<{ value: string }>(select, 'b')] as const;
        })(),
      ]);
    });
    assert.deepEqual(answers, [[{ value: 'a' }], 1, [1, [{ value: 'b' }]]]);
    assert.equal(roundTrips, 3, 'BEGIN and three statements; one statement; COMMIT');
    assert.deepEqual(await rows(), ['a', 'b', 'c']);
  });

  it('parses a new statement asked for several times in one round trip once', async () => {
    const text = `${insert} -- new, asked for side by side`;
    await transaction((tx) => Promise.all(['a', 'b', 'c'].map((value) => tx.execute(text, value))));
    assert.equal(roundTrips, 2);
    assert.deepEqual(await rows(), ['a', 'b', 'c']);
  });

  it('fails every statement of a round trip with the error of the one that failed, and every statement after it', async () => {
    const select = 'SELECT value FROM entries WHERE value = $1';
    let later: unknown;
    const settled = await transaction(async (tx) => {
      const side = await Promise.allSettled([
        tx.execute(insert, 'a'),
        tx.execute(insert, 'forbidden'),
        tx.query(select, 'a'),
      ]);
      later = await tx.query(select, 'a').catch((error: unknown) => error);
      return side;
    }).catch((error: unknown) => error);
    assert.ok(settled instanceof Error && /violates check constraint/.test(settled.message), 'the transaction fails');
    assert.ok(later instanceof Error && /violates check constraint/.test(later.message), 'not "transaction aborted"');
    assert.equal(roundTrips, 2, 'the failed round trip and the ROLLBACK');
    assert.deepEqual(await rows(), []);
  });

  it('rolls back, and leaves the connection out of any transaction, when a statement parsed with its round trip fails', async () => {
    const text = `${insert} -- deferred, failing the first time it is parsed`;
    await assert.rejects(
      transaction(async (tx) => {
        tx.defer?.(text, 'forbidden');
        await tx.query('SELECT value FROM entries WHERE value = $1', 'a');
      }),
      /violates check constraint/,
    );
    const [status] = (await pool.query<{ open: boolean }>('SELECT now() <> statement_timestamp() AS open')).rows;
    assert.equal(status?.open, false, 'the next statement on the connection runs outside a transaction');
    await transaction((tx) => tx.execute(insert, 'a'));
    assert.deepEqual(await rows(), ['a']);
  });

  it('remembers the statements a failed round trip parsed before its error, and parses no other', async () => {
    const parsedFirst = 'SELECT value FROM entries WHERE value = $1 -- parsed, then the round trip fails';
    const broken = 'SELECT value FROM no_such_table WHERE value = $1 -- fails to parse';
    await assert.rejects(
      transaction(async (tx) => {
        tx.defer?.(parsedFirst, 'a');
        await tx.query(broken, 'a');
      }),
      /relation "no_such_table" does not exist/,
    );
    roundTrips = 0;
    await transaction(async (tx) => {
      await tx.query(parsedFirst, 'a');
    });
    assert.equal(roundTrips, 2, 'bound and run, not parsed again (which would fail: it exists)');
    await assert.rejects(
      transaction((tx) => tx.query(broken, 'a')),
      /relation "no_such_table" does not exist/,
      'what did not parse is parsed again, and fails for what it is',
    );
  });

  it('refuses, where it is deferred, a value that cannot be sent', async () => {
    await assert.rejects(
      transaction(async (tx) => {
        await tx.execute(insert, 'a');
        tx.defer?.(insert, {
          toPostgres: () => {
            throw new Error('no value for you');
          },
        });
      }),
      /no value for you/,
    );
    assert.deepEqual(await rows(), []);
  });

  it('sends COMMIT on its own when no statement was marked last', async () => {
    await transaction(async (tx) => {
      await tx.execute(insert, 'a');
    });
    assert.equal(roundTrips, 2);
    assert.deepEqual(await rows(), ['a']);
  });

  it('sends nothing for a transaction that runs no statement', async () => {
    assert.equal(await transaction(() => Promise.resolve('nothing')), 'nothing');
    assert.equal(roundTrips, 0);
  });

  it('rolls everything back when the last statement fails: its COMMIT never runs', async () => {
    await assert.rejects(
      transaction(async (tx) => {
        await tx.execute(insert, 'a');
        await tx.committing?.execute(insert, 'forbidden');
      }),
      /violates check constraint/,
    );
    assert.deepEqual(await rows(), []);
  });

  it('rolls everything back when the last statement cannot even be bound', async () => {
    await assert.rejects(
      transaction(async (tx) => {
        await tx.execute(insert, 'a');
        // A text of its own: pg closes a statement whose values cannot be bound, and would not parse it again.
        await tx.committing?.execute(`${insert} -- never bound`, {
          toPostgres: () => {
            throw new Error('no value for you');
          },
        });
      }),
      /no value for you/,
    );
    assert.deepEqual(await rows(), []);
  });

  it('rolls back when the work throws after its first statement', async () => {
    await assert.rejects(
      transaction(async (tx) => {
        await tx.execute(insert, 'a');
        throw new Error('the work changed its mind');
      }),
      /changed its mind/,
    );
    assert.deepEqual(await rows(), []);
  });

  it('refuses a statement after the one that committed', async () => {
    await assert.rejects(
      transaction(async (tx) => {
        await tx.committing?.execute(insert, 'a');
        await tx.execute(insert, 'b');
      }),
      /no statement may follow its last one/,
    );
    assert.deepEqual(await rows(), ['a']);
  });

  it('keeps the connection usable after a first statement that does not parse', async () => {
    const broken = 'SELECT value FROM no_such_table WHERE value = $1';
    for (let attempt = 1; attempt <= 2; attempt++) {
      await assert.rejects(
        transaction((tx) => tx.query(broken, 'a')),
        /relation "no_such_table" does not exist/,
        `attempt ${attempt} fails for what it is, not for a statement the connection thinks it parsed`,
      );
    }
    await transaction((tx) => tx.execute(insert, 'a'));
    assert.deepEqual(await rows(), ['a']);
  });
});
