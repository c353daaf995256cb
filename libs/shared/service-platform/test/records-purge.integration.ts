import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';
import pg from 'pg';
import { purgeExpiredRecords } from '../src/retention/records-purge.js';

const HOUR_MS = 3_600_000;

describe('purgeExpiredRecords', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    database = await createMigratedTestDatabase('order');
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('deletes the rows past their retention and keeps the others, in every retained table the database has', async () => {
    const insertKey = (customer: string, ageHours: number) =>
      pool.query(
        `INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id, response_status, response_body, created_at)
         VALUES ($1, 'k', 'h', $2, 202, '{}', now() - make_interval(hours => $3))`,
        [customer, randomUUID(), ageHours],
      );
    const insertInbox = (ageHours: number) =>
      pool.query(
        `INSERT INTO inbox_messages (consumer_group, message_id, message_type, topic, partition, "offset", processed_at)
         VALUES ('g', $1, 'OrderCreated', 't', 0, 0, now() - make_interval(hours => $2))`,
        [randomUUID(), ageHours],
      );
    await insertKey('old', 49);
    await insertKey('recent', 23);
    await insertInbox(24 * 15);
    await insertInbox(24 * 13);

    const purged = await purgeExpiredRecords(pool, {
      idempotencyKeysMs: 48 * HOUR_MS,
      messageRecordsMs: 14 * 24 * HOUR_MS,
    });

    assert.equal(purged.get('idempotency_keys'), 1);
    assert.equal(purged.get('inbox_messages'), 1);
    const keys = await pool.query<{ customer_id: string }>('SELECT customer_id FROM idempotency_keys');
    assert.deepEqual(
      keys.rows.map((row) => row.customer_id),
      ['recent'],
    );
    assert.equal((await pool.query('SELECT 1 FROM inbox_messages')).rowCount, 1);
  });

  it('deletes in batches until none is left', async () => {
    await pool.query(
      `INSERT INTO inbox_messages (consumer_group, message_id, message_type, topic, partition, "offset", processed_at)
       SELECT 'batch', gen_random_uuid()::text, 'OrderCreated', 't', 0, n, now() - interval '30 days'
         FROM generate_series(1, 12000) AS n`,
    );
    const purged = await purgeExpiredRecords(pool, {
      idempotencyKeysMs: 48 * HOUR_MS,
      messageRecordsMs: 14 * 24 * HOUR_MS,
    });
    assert.equal(purged.get('inbox_messages'), 12_000);
    assert.equal((await pool.query(`SELECT 1 FROM inbox_messages WHERE consumer_group = 'batch'`)).rowCount, 0);
  });
});
