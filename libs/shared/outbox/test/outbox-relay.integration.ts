import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createKafkaClient, silentLogger } from '@dtx/messaging';
import { applyMigrations, serviceMigrationSources } from '@dtx/prisma';
import {
  createTestDatabase,
  readTopics,
  repositoryRoot,
  testInfrastructure,
  uniqueName,
  type ReadRecord,
  type TestDatabase,
} from '@dtx/testing';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { transactionRunner } from '@dtx/sql';
import {
  Outbox,
  OutboxRelay,
  outgoing,
  publishWithProducer,
  type OutboxRelayOptions,
  type PublishedFrom,
  type PublishRecords,
} from '../src/index.js';

describe('transactional outbox and its relay, on PostgreSQL and Kafka', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let producer: Producer;
  let brokers: string[];
  let outbox: Outbox;
  let topic: string;
  const relays: OutboxRelay[] = [];

  const transaction = () => transactionRunner(pool);
  const emitConfirmation = (orderId: string) =>
    transaction()((tx) =>
      outbox.emit(tx, [outgoing('OrderConfirmed', { orderId, mode: 'choreography' })], {
        aggregateId: orderId,
        correlationId: orderId,
      }),
    );
  const startRelay = (
    publish: PublishRecords = publishWithProducer(producer),
    pollIntervalMs = 60_000,
    more: Partial<OutboxRelayOptions> = {},
  ) => {
    const relay = new OutboxRelay({
      pool,
      databaseUrl: database.runtimeUrl,
      notifyChannel: outbox.notifyChannel,
      publish,
      logger: silentLogger,
      pollIntervalMs,
      ...more,
    });
    relays.push(relay);
    relay.start();
    return relay;
  };
  const stopRelays = async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  };
  const pendingCount = async () =>
    Number(
      (await pool.query<{ count: string }>('SELECT count(*) FROM outbox_messages WHERE published_at IS NULL')).rows[0]
        ?.count,
    );
  const envelopeIds = (records: ReadRecord[]) =>
    records.map((record) => (JSON.parse(record.value ?? '{}') as { id: string }).id);

  before(async () => {
    const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
    brokers = kafkaBrokers;
    database = await createTestDatabase('outbox');
    await applyMigrations({
      databaseUrl: database.ownerUrl,
      migrationsDirectories: serviceMigrationSources('order', repositoryRoot()),
      runtimeRole: database.roles.runtime,
    });
    // As a service: the relay LISTENs, takes its advisory lock and marks rows as the runtime role.
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 5 });
    producer = createKafkaClient({
      clientId: uniqueName('outbox-test'),
      brokers,
      security: kafkaAccess.security,
    }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
  });

  after(async () => {
    await stopRelays();
    await producer.disconnect();
    await pool.end();
    await database.drop();
  });

  it('publishes a committed message with its key, headers and envelope, woken by NOTIFY rather than the poll', async () => {
    topic = uniqueName('outbox.a.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    startRelay();
    const orderId = randomUUID();
    const startedAt = Date.now();
    const [envelope] = await emitConfirmation(orderId);

    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length >= 1,
    });
    const elapsedMs = Date.now() - startedAt;
    await stopRelays();

    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record?.key, orderId);
    assert.deepEqual(record?.headers, {
      'message-id': envelope?.id,
      'message-type': 'OrderConfirmed',
      'correlation-id': orderId,
    });
    assert.deepEqual(JSON.parse(record?.value ?? '{}'), envelope);
    assert.ok(elapsedMs < 10_000, `delivered in ${elapsedMs} ms although the poll interval is 60 s`);
    assert.equal(await pendingCount(), 0);
  });

  it('publishes nothing for a transaction that rolled back', async () => {
    topic = uniqueName('outbox.b.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    const rolledBack = randomUUID();
    await assert.rejects(
      transaction()(async (tx) => {
        await outbox.emit(tx, [outgoing('OrderConfirmed', { orderId: rolledBack, mode: 'choreography' })], {
          aggregateId: rolledBack,
          correlationId: rolledBack,
        });
        throw new Error('business rule failed');
      }),
      /business rule failed/,
    );
    const committed = randomUUID();
    await emitConfirmation(committed);
    startRelay();
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length >= 1,
      timeoutMs: 5_000,
    });
    await stopRelays();
    assert.deepEqual(
      records.map((record) => record.key),
      [committed],
    );
  });

  it('keeps per-order order and strictly increasing Lamport stamps across 100 transactions', async () => {
    topic = uniqueName('outbox.c.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    const orderId = randomUUID();
    const emitted: string[] = [];
    for (let index = 0; index < 100; index++) {
      const [envelope] = await emitConfirmation(orderId);
      emitted.push(envelope?.id ?? '');
    }
    startRelay();
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length >= 100,
    });
    await stopRelays();
    assert.deepEqual(envelopeIds(records), emitted);
    const stamps = records.map((record) => (JSON.parse(record.value ?? '{}') as { lamport: number }).lamport);
    assert.ok(
      stamps.every((stamp, index) => index === 0 || stamp > (stamps[index - 1] ?? 0)),
      'lamport increases',
    );
  });

  it('publishes from the notifications that announce the rows, reading the table only when it takes the lead', async () => {
    topic = uniqueName('outbox.h.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    const sources: PublishedFrom[] = [];
    const relay = startRelay(publishWithProducer(producer), 60_000, {
      onPublished: (lags, from) => sources.push(...lags.map(() => from)),
    });
    const before = randomUUID();
    await emitConfirmation(before);
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 1 });
    assert.ok(relay.isLeader);

    const orderId = randomUUID();
    const emitted: string[] = [];
    for (let index = 0; index < 20; index++) {
      const [envelope] = await emitConfirmation(orderId);
      emitted.push(envelope?.id ?? '');
    }
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length >= 21,
    });
    await stopRelays();
    assert.deepEqual(envelopeIds(records.filter((record) => record.key === orderId)), emitted, 'in commit order');
    assert.deepEqual(sources.slice(-20), Array<PublishedFrom>(20).fill('announcement'));
    assert.equal(await pendingCount(), 0);
  });

  it('reads a row too long for its notification from the table at once, not at the next poll', async () => {
    topic = uniqueName('outbox.i.');
    // A confirmation's announcement is about 400 bytes: every row here is too long to announce.
    outbox = new Outbox({
      source: 'order',
      topicPrefix: topic,
      notifyChannel: uniqueName('outbox'),
      maxAnnouncementBytes: 100,
    });
    const sources: PublishedFrom[] = [];
    startRelay(publishWithProducer(producer), 60_000, {
      onPublished: (lags, from) => sources.push(...lags.map(() => from)),
    });
    await emitConfirmation(randomUUID());
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 1 });

    const orderId = randomUUID();
    const startedAt = Date.now();
    await emitConfirmation(orderId);
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.some((record) => record.key === orderId),
    });
    const elapsedMs = Date.now() - startedAt;
    await stopRelays();
    assert.equal(records.filter((record) => record.key === orderId).length, 1);
    assert.deepEqual(sources, ['table', 'table']);
    assert.ok(elapsedMs < 10_000, `published in ${elapsedMs} ms although the poll interval is 60 s`);
  });

  it('marks what it published sent in one statement per interval, and on stopping', async () => {
    topic = uniqueName('outbox.j.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    startRelay(publishWithProducer(producer), 60_000, { markIntervalMs: 60_000 });
    // Once this one is out, the relay leads and has read the table: what follows comes announced.
    await emitConfirmation(randomUUID());
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 1 });
    const ids: string[] = [];
    for (let index = 0; index < 10; index++) {
      const [envelope] = await emitConfirmation(randomUUID());
      ids.push(envelope?.id ?? '');
    }
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 11 });
    const marks = () =>
      pool.query<{ unmarked: string; times: string }>(
        `SELECT count(*) FILTER (WHERE published_at IS NULL) AS unmarked, count(DISTINCT published_at) AS times
           FROM outbox_messages WHERE id = ANY($1::uuid[])`,
        [ids],
      );
    assert.equal((await marks()).rows[0]?.unmarked, '10', 'published, not yet marked: the interval is not up');

    await stopRelays();
    assert.deepEqual((await marks()).rows[0], { unmarked: '0', times: '1' }, 'all ten marked by one statement');
  });

  it('with a linger, rows announced close together leave in one publication', async () => {
    topic = uniqueName('outbox.k.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    const publications: number[] = [];
    const realPublish = publishWithProducer(producer);
    startRelay(
      async (records) => {
        publications.push(records.length);
        await realPublish(records);
      },
      60_000,
      { lingerMs: 1_000 },
    );
    await emitConfirmation(randomUUID());
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 1 });

    publications.length = 0;
    for (let index = 0; index < 5; index++) {
      await emitConfirmation(randomUUID());
    }
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 6 });
    await stopRelays();
    assert.deepEqual(publications, [5], 'five transactions, one publication');
  });

  it('three relays on one database publish each of 300 messages exactly once', async () => {
    topic = uniqueName('outbox.d.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    for (let index = 0; index < 3; index++) {
      startRelay(publishWithProducer(producer), 50);
    }
    await Promise.all(Array.from({ length: 300 }, () => emitConfirmation(randomUUID())));
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length >= 300,
    });
    // Give a double publication time to show up before counting.
    const late = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length > 300,
      timeoutMs: 3_000,
    });
    await stopRelays();
    assert.equal(records.length, 300);
    assert.equal(new Set(envelopeIds(late)).size, 300);
    assert.equal(late.length, 300, 'no message was published twice');
  });

  it('when the leading relay loses its connection, another takes over and nothing is lost', async () => {
    topic = uniqueName('outbox.g.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    const first = startRelay(publishWithProducer(producer), 100);
    const second = startRelay(publishWithProducer(producer), 100);
    const before = randomUUID();
    await emitConfirmation(before);
    await readTopics({ brokers, topics: [`${topic}orders.outcomes`], until: (read) => read.length >= 1 });
    const leader = [first, second].filter((relay) => relay.isLeader);
    assert.equal(leader.length, 1, 'exactly one relay leads');

    // The server ends every relay connection of this database, as a failover or a restart would.
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'outbox-relay' AND datname = current_database()`,
    );
    const after = randomUUID();
    await emitConfirmation(after);
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => [before, after].every((key) => read.some((record) => record.key === key)),
    });
    await stopRelays();
    assert.deepEqual(
      new Set(records.map((record) => record.key)),
      new Set([before, after]),
      'the message emitted after the connections were lost was published too',
    );
    assert.equal(await pendingCount(), 0);
  });

  it('a relay that dies after publishing and before marking leaves a duplicate, never a loss', async () => {
    topic = uniqueName('outbox.e.');
    outbox = new Outbox({ source: 'order', topicPrefix: topic, notifyChannel: uniqueName('outbox') });
    const orderId = randomUUID();
    const [envelope] = await emitConfirmation(orderId);

    const realPublish = publishWithProducer(producer);
    let crashed = false;
    const dying = startRelay(async (records) => {
      await realPublish(records);
      crashed = true;
      throw new Error('process killed between publish and mark');
    });
    while (!crashed) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await dying.stop();
    relays.splice(relays.indexOf(dying), 1);
    assert.equal(await pendingCount(), 1, 'the row is still pending after the crash');

    startRelay();
    const records = await readTopics({
      brokers,
      topics: [`${topic}orders.outcomes`],
      until: (read) => read.length >= 2,
    });
    await stopRelays();
    assert.deepEqual(envelopeIds(records), [envelope?.id, envelope?.id]);
    assert.equal(await pendingCount(), 0);
  });

  it('purges published rows past the retention period and keeps pending ones', async () => {
    outbox = new Outbox({ source: 'order', topicPrefix: uniqueName('outbox.f.'), notifyChannel: uniqueName('outbox') });
    await pool.query('DELETE FROM outbox_messages');
    await emitConfirmation(randomUUID());
    await emitConfirmation(randomUUID());
    await pool.query(
      `UPDATE outbox_messages SET published_at = now() - interval '2 days'
        WHERE id = (SELECT id FROM outbox_messages ORDER BY sequence LIMIT 1)`,
    );
    const relay = new OutboxRelay({
      pool,
      databaseUrl: database.runtimeUrl,
      notifyChannel: outbox.notifyChannel,
      publish: async () => undefined,
      logger: silentLogger,
      retentionMs: 24 * 60 * 60 * 1000,
    });
    assert.equal(await relay.purgePublished(), 1);
    await relay.stop();
    assert.equal(await pendingCount(), 1);
  });
});
