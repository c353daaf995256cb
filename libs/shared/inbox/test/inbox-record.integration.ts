import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { applyMigrations, serviceMigrationSources } from '@dtx/prisma';
import { isUniqueViolation, transactionRunner, type TransactionRunner } from '@dtx/sql';
import { createTestDatabase, repositoryRoot, type TestDatabase } from '@dtx/testing';
import pg from 'pg';
import { recordAllAsNew, recordInInbox, type InboxEntry } from '../src/lib/inbox-record.js';

describe('the inbox, recorded before or with the handlers, on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let transaction: TransactionRunner;
  /** How many times the server said it was ready for the next query: one per round trip. */
  let roundTrips = 0;
  let group: string;

  const entry = (id = randomUUID(), offset = 0): InboxEntry => ({
    message: { id, type: 'OrderConfirmed' },
    coordinates: { topic: 'orders.outcomes', partition: 0, offset: String(offset) },
  });
  const recorded = async () =>
    (
      await pool.query<{ message_id: string }>(
        'SELECT message_id FROM inbox_messages WHERE consumer_group = $1 ORDER BY "offset"',
        [group],
      )
    ).rows.map((row) => row.message_id);
  const handlerStatement = 'SELECT count(*) AS recorded FROM inbox_messages WHERE consumer_group = $1';

  before(async () => {
    database = await createTestDatabase('inbox_record');
    await applyMigrations({
      databaseUrl: database.ownerUrl,
      migrationsDirectories: serviceMigrationSources('inventory', repositoryRoot()),
      runtimeRole: database.roles.runtime,
    });
    // One connection, so that every transaction runs on the one whose round trips are counted.
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 1 });
    pool.on('connect', (client) => {
      (client as unknown as { connection: pg.Connection }).connection.on('readyForQuery', () => roundTrips++);
    });
    transaction = transactionRunner(pool);
  });

  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    group = `group-${randomUUID()}`;
    // Both statements once, so that each is parsed on the connection before round trips are counted.
    await transaction(async (tx) => {
      recordAllAsNew(tx, group, [entry()]);
      await tx.query(handlerStatement, group);
    });
    group = `group-${randomUUID()}`;
    roundTrips = 0;
  });

  it('records new messages in the round trip of the handlers first statement, which sees them', async () => {
    const entries = [entry(randomUUID(), 1), entry(randomUUID(), 2)];
    const seen = await transaction(async (tx) => {
      const fresh = recordAllAsNew(tx, group, entries);
      assert.deepEqual([...(fresh ?? [])], [entries[0]?.message.id, entries[1]?.message.id]);
      return tx.query<{ recorded: string }>(handlerStatement, group);
    });
    assert.deepEqual(seen, [{ recorded: '2' }]);
    assert.equal(roundTrips, 2, 'the handler statement with BEGIN and the inbox rows, then COMMIT');
    assert.deepEqual(await recorded(), [entries[0]?.message.id, entries[1]?.message.id]);
  });

  it('records a message sent twice in one batch once', async () => {
    const twice = entry();
    const fresh = await transaction(async (tx) => {
      const ids = recordAllAsNew(tx, group, [twice, twice]);
      await tx.query(handlerStatement, group);
      return ids;
    });
    assert.deepEqual([...(fresh ?? [])], [twice.message.id]);
    assert.deepEqual(await recorded(), [twice.message.id]);
  });

  it('fails the statement after it when a message was handled before, and the transaction leaves nothing', async () => {
    const handled = entry(randomUUID(), 1);
    await transaction(async (tx) => void (await recordInInbox(tx, group, [handled])));
    const fresh = entry(randomUUID(), 2);
    const failure = await transaction(async (tx) => {
      recordAllAsNew(tx, group, [fresh, handled]);
      await tx.query(handlerStatement, group);
    }).catch((error: unknown) => error);
    assert.ok(isUniqueViolation(failure), `a unique violation, not ${String(failure)}`);
    assert.equal((failure as { constraint?: string }).constraint, 'inbox_messages_pkey');
    assert.deepEqual(await recorded(), [handled.message.id]);

    const told = await transaction((tx) => recordInInbox(tx, group, [fresh, handled]));
    assert.deepEqual([...told], [fresh.message.id], 'recorded the careful way, only the new one is new');
  });
});
