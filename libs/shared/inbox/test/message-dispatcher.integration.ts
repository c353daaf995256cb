import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createMessage, kafkaHeadersOf, type MessageEnvelope } from '@dtx/contracts';
import { createKafkaClient, silentLogger } from '@dtx/messaging';
import { Outbox, outgoing } from '@dtx/outbox';
import { transactionRunner } from '@dtx/sql';
import { applyMigrations, serviceMigrationSources } from '@dtx/prisma';
import {
  createTestDatabase,
  readTopics,
  repositoryRoot,
  testInfrastructure,
  uniqueName,
  type TestDatabase,
} from '@dtx/testing';
import { sleep } from '@dtx/util';
import type { Kafka, Producer } from 'kafkajs';
import pg from 'pg';
import {
  DEFAULT_MAX_LAMPORT_JUMP,
  DeadLetterHeaders,
  FaultInjector,
  MessageDispatcher,
  type MessageHandlers,
} from '../src/index.js';

describe('message dispatcher: inbox, retries and dead letters on PostgreSQL and Kafka', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let kafka: Kafka;
  let producer: Producer;
  let brokers: string[];
  let prefix: string;
  let dispatcher: MessageDispatcher | undefined;

  const topic = () => `${prefix}orders.outcomes`;
  const deadLetterTopic = () => `${prefix}test.dead-letters`;
  const confirmation = (orderId: string, lamport = 7): MessageEnvelope<'OrderConfirmed'> =>
    createMessage(
      'OrderConfirmed',
      { orderId, mode: 'choreography' },
      { source: 'order', aggregateId: orderId, correlationId: orderId, causationId: null, lamport },
    );
  const send = (envelope: MessageEnvelope, copies = 1, key = envelope.aggregateId) =>
    producer.send({
      topic: topic(),
      messages: Array.from({ length: copies }, () => ({
        key,
        value: JSON.stringify(envelope),
        headers: kafkaHeadersOf(envelope),
      })),
    });
  const effects = async (orderId: string) =>
    Number(
      (await pool.query<{ count: string }>('SELECT count(*) FROM test_effects WHERE order_id = $1', [orderId])).rows[0]
        ?.count,
    );
  const until = async (condition: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      assert.ok(Date.now() < deadline, 'condition not met in time');
      await sleep(100);
    }
  };
  const startDispatcher = (
    handlers: MessageHandlers,
    faults?: FaultInjector,
    consumerGroup = uniqueName('dispatcher-test'),
    client: Kafka = kafka,
  ) => {
    dispatcher = new MessageDispatcher({
      consumerGroup,
      topics: [topic()],
      handlers,
      kafka: client,
      producer,
      deadLetterTopic: deadLetterTopic(),
      transaction: transactionRunner(pool),
      outbox: new Outbox({ source: 'inventory', topicPrefix: prefix, notifyChannel: 'unused' }),
      logger: silentLogger,
      retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
      faults,
    });
    dispatcher.start();
  };
  const recordEffect: MessageHandlers = {
    OrderConfirmed: async ({ tx, message }) => {
      await tx.execute('INSERT INTO test_effects (order_id) VALUES ($1)', message.payload.orderId);
    },
  };

  before(async () => {
    const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
    brokers = kafkaBrokers;
    database = await createTestDatabase('inbox');
    await applyMigrations({
      databaseUrl: database.ownerUrl,
      migrationsDirectories: serviceMigrationSources('inventory', repositoryRoot()),
      runtimeRole: database.roles.runtime,
    });
    // Tables the owner adds after the migrations: the runtime role gets their rows (default privileges).
    const owner = new pg.Client({ connectionString: database.ownerUrl });
    await owner.connect();
    await owner.query('CREATE TABLE test_effects (order_id uuid NOT NULL)');
    await owner.query('CREATE TABLE test_claims (order_id uuid PRIMARY KEY, message_id uuid NOT NULL)');
    await owner.query(
      'CREATE TABLE test_batch_effects (sequence bigserial, order_id uuid NOT NULL, transaction_id bigint NOT NULL)',
    );
    await owner.end();
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 5 });
    kafka = createKafkaClient({ clientId: uniqueName('inbox-test'), brokers, security: kafkaAccess.security });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  beforeEach(() => {
    prefix = uniqueName('inbox.');
  });

  after(async () => {
    await dispatcher?.stop();
    await producer.disconnect();
    await pool.end();
    await database.drop();
  });

  it('the same message delivered five times has exactly one effect', async () => {
    const orderId = randomUUID();
    const marker = randomUUID();
    await send(confirmation(orderId), 5);
    // With the duplicates' key, so the marker travels behind them on their partition.
    await send(confirmation(marker), 1, orderId);
    startDispatcher(recordEffect);
    await until(async () => (await effects(marker)) === 1);
    await dispatcher?.stop();

    assert.equal(await effects(orderId), 1);
    const inbox = await pool.query('SELECT 1 FROM inbox_messages WHERE message_type = $1', ['OrderConfirmed']);
    assert.ok(inbox.rowCount && inbox.rowCount >= 2);
  });

  it('a first try that meets a unique key (a repeat it assumed absent) runs again the careful way, once', async () => {
    const orderId = randomUUID();
    const marker = randomUUID();
    const tries: Array<{ messageId: string; assumeNew: boolean | undefined }> = [];
    // Two messages (two ids, so the inbox takes both for new) that claim the same order's row.
    const first = confirmation(orderId);
    const second = confirmation(orderId);
    await send(first);
    await send(second);
    await send(confirmation(marker), 1, orderId);
    startDispatcher({
      OrderConfirmed: async ({ tx, message, assumeNew }) => {
        tries.push({ messageId: message.id, assumeNew });
        await tx.execute(
          `INSERT INTO test_claims (order_id, message_id) VALUES ($1, $2)${assumeNew ? '' : ' ON CONFLICT DO NOTHING'}`,
          message.payload.orderId,
          message.id,
        );
      },
    });
    await until(
      async () => (await pool.query('SELECT 1 FROM test_claims WHERE order_id = $1', [marker])).rowCount === 1,
    );
    await dispatcher?.stop();

    const claims = await pool.query<{ message_id: string }>('SELECT message_id FROM test_claims WHERE order_id = $1', [
      orderId,
    ]);
    assert.deepEqual(
      claims.rows.map((row) => row.message_id),
      [first.id],
    );
    const secondTries = tries.filter(({ messageId }) => messageId === second.id).map(({ assumeNew }) => assumeNew);
    assert.equal(secondTries.at(0), true, 'its first try assumed it new');
    assert.equal(secondTries.at(-1), false, 'its last try was the careful one');
    const inbox = await pool.query('SELECT 1 FROM inbox_messages WHERE message_id = ANY($1::text[])', [
      [first.id, second.id],
    ]);
    assert.equal(inbox.rowCount, 2, 'both messages recorded as handled, none dead-lettered');
  });

  it('stores what a handler returns in the outbox, caused by the message and later in Lamport time', async () => {
    const orderId = randomUUID();
    const incoming = confirmation(orderId, 1_000);
    await send(incoming);
    startDispatcher({
      OrderConfirmed: async ({ message }) => [
        outgoing('StockCommitted', { orderId: message.payload.orderId, items: [] }),
      ],
    });
    const rows = async () =>
      (await pool.query<{ value: string }>(`SELECT value FROM outbox_messages WHERE message_key = $1`, [orderId])).rows;
    await until(async () => (await rows()).length === 1);
    await dispatcher?.stop();

    const emitted = JSON.parse((await rows())[0]?.value ?? '{}') as MessageEnvelope;
    assert.equal(emitted.type, 'StockCommitted');
    assert.equal(emitted.causationId, incoming.id);
    assert.equal(emitted.correlationId, incoming.correlationId);
    assert.equal(emitted.source, 'inventory');
    assert.ok(emitted.lamport > incoming.lamport, `${emitted.lamport} > ${incoming.lamport}`);
  });

  it('dead-letters a message implausibly far ahead in Lamport time, leaving the clock as it was', async () => {
    const lamportClock = async () =>
      Number((await pool.query<{ value: string }>('SELECT value FROM lamport_clock WHERE id = 1')).rows[0]?.value);
    const clockBefore = await lamportClock();
    const farAhead = confirmation(randomUUID(), clockBefore + DEFAULT_MAX_LAMPORT_JUMP + 1);
    const next = confirmation(randomUUID());
    await send(farAhead);
    await send(next, 1, farAhead.aggregateId);
    const committing: MessageHandlers = {
      OrderConfirmed: async ({ tx, message }) => {
        await tx.execute('INSERT INTO test_effects (order_id) VALUES ($1)', message.payload.orderId);
        return [outgoing('StockCommitted', { orderId: message.payload.orderId, items: [] })];
      },
    };
    startDispatcher(committing);
    await until(async () => (await effects(next.payload.orderId)) === 1);
    const [deadLetter] = await readTopics({ brokers, topics: [deadLetterTopic()], until: (read) => read.length >= 1 });

    assert.equal(deadLetter?.key, farAhead.aggregateId);
    assert.equal(deadLetter?.headers[DeadLetterHeaders.reason], 'LAMPORT_TOO_FAR_AHEAD');
    assert.match(deadLetter?.headers[DeadLetterHeaders.error] ?? '', new RegExp(`Lamport time ${farAhead.lamport} is`));
    assert.equal(await effects(farAhead.payload.orderId), 0);
    assert.equal(
      await lamportClock(),
      Math.max(clockBefore, next.lamport) + 1,
      'only the next message moved the clock, by the one message it caused',
    );

    // The bound is relative to the clock: once the clock has moved on, the same Lamport time is plausible.
    await pool.query('UPDATE lamport_clock SET value = value + $1 WHERE id = 1', [DEFAULT_MAX_LAMPORT_JUMP]);
    const later = confirmation(randomUUID(), farAhead.lamport);
    await send(later);
    await until(async () => (await effects(later.payload.orderId)) === 1);
    await dispatcher?.stop();
    assert.ok((await lamportClock()) > later.lamport);
  });

  it('measures the Lamport bound from the messages it reads without handling them too, and keeps its clock near them', async () => {
    const lamportClock = async () =>
      Number((await pool.query<{ value: string }>('SELECT value FROM lamport_clock WHERE id = 1')).rows[0]?.value);
    const clockBefore = await lamportClock();
    const orderId = randomUUID();
    // Another flow's message (a type this consumer does not handle) moved its sender's clock on by 0.9 bounds.
    const elsewhere = clockBefore + 0.9 * DEFAULT_MAX_LAMPORT_JUMP;
    const unhandled = createMessage(
      'OrderCancelled',
      { orderId, mode: 'choreography', reason: 'OUT_OF_STOCK' },
      { source: 'order', aggregateId: orderId, correlationId: orderId, causationId: null, lamport: elsewhere },
    );
    const handled = confirmation(orderId, elsewhere + 0.9 * DEFAULT_MAX_LAMPORT_JUMP);
    await send(unhandled);
    await send(handled);
    startDispatcher(recordEffect);
    await until(async () => (await effects(orderId)) === 1);
    await dispatcher?.stop();

    assert.ok((await lamportClock()) >= elsewhere, 'the clock was moved to what the consumer read');
  });

  it('sends a poison message to the dead-letter topic at once and goes on with the next one', async () => {
    const goodOrder = randomUUID();
    await producer.send({
      topic: topic(),
      messages: [
        { key: 'poison', value: '{not json', headers: { 'message-id': 'poison-1' } },
        {
          key: 'bad-payload',
          value: JSON.stringify({
            ...confirmation(randomUUID()),
            payload: { orderId: 'not-a-uuid', mode: 'choreography' },
          }),
        },
      ],
    });
    await send(confirmation(goodOrder));
    startDispatcher(recordEffect);
    await until(async () => (await effects(goodOrder)) === 1);
    const deadLetters = await readTopics({ brokers, topics: [deadLetterTopic()], until: (read) => read.length >= 2 });
    await dispatcher?.stop();

    const byKey = new Map(deadLetters.map((record) => [record.key, record]));
    const poison = byKey.get('poison');
    assert.equal(poison?.value, '{not json');
    assert.equal(poison?.headers[DeadLetterHeaders.reason], 'INVALID_JSON');
    assert.equal(poison?.headers[DeadLetterHeaders.originalTopic], topic());
    assert.equal(poison?.headers[DeadLetterHeaders.attempts], '0');
    assert.ok(poison?.headers[DeadLetterHeaders.originalOffset]);
    assert.equal(poison?.headers['message-id'], 'poison-1', 'original headers are kept');
    assert.equal(byKey.get('bad-payload')?.headers[DeadLetterHeaders.reason], 'INVALID_PAYLOAD');
  });

  it('skips, without validating it, a message whose type header names a type it does not handle', async () => {
    const goodOrder = randomUUID();
    await producer.send({
      topic: topic(),
      messages: [
        { key: 'not-mine', value: '{not json', headers: { 'message-id': 'x', 'message-type': 'OrderCreated' } },
      ],
    });
    await send(confirmation(goodOrder));
    startDispatcher(recordEffect);
    await until(async () => (await effects(goodOrder)) === 1);
    const deadLetters = await readTopics({
      brokers,
      topics: [deadLetterTopic()],
      until: () => false,
      timeoutMs: 3_000,
    });
    await dispatcher?.stop();
    assert.deepEqual(deadLetters, [], 'another consumer, the one that handles OrderCreated, judges that message');
  });

  it('retries a failing handler with backoff and applies the effect once when it recovers', async () => {
    const orderId = randomUUID();
    let calls = 0;
    await send(confirmation(orderId));
    startDispatcher({
      OrderConfirmed: async ({ tx, message }) => {
        calls++;
        await tx.execute('INSERT INTO test_effects (order_id) VALUES ($1)', message.payload.orderId);
        if (calls < 3) {
          throw new Error(`transient failure ${calls}`);
        }
      },
    });
    await until(async () => (await effects(orderId)) === 1);
    await dispatcher?.stop();
    assert.equal(calls, 3);
    assert.equal(await effects(orderId), 1, 'the failed attempts were rolled back');
  });

  it('waits out a database that drops its connections for longer than the retry limit, and dead-letters nothing', async () => {
    const orderId = randomUUID();
    let calls = 0;
    await send(confirmation(orderId));
    startDispatcher({
      OrderConfirmed: async ({ tx, message }) => {
        calls++;
        if (calls <= 6) {
          // The server ends this connection (57P01), as a fast shutdown of PostgreSQL does to every connection.
          await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
        }
        await tx.execute('INSERT INTO test_effects (order_id) VALUES ($1)', message.payload.orderId);
      },
    });
    await until(async () => (await effects(orderId)) === 1);
    await dispatcher?.stop();
    assert.equal(
      calls,
      7,
      'six attempts lost to the outage (more than the three allowed for a failing handler), then one',
    );
    const deadLetters = await readTopics({
      brokers,
      topics: [deadLetterTopic()],
      until: () => false,
      timeoutMs: 5_000,
    });
    assert.deepEqual(deadLetters, []);
  });

  it('dead-letters a message whose handler always fails, with the error, and handles the next one', async () => {
    const doomed = randomUUID();
    const next = randomUUID();
    await send(confirmation(doomed));
    await send(confirmation(next));
    startDispatcher({
      OrderConfirmed: async ({ tx, message }) => {
        await tx.execute('INSERT INTO test_effects (order_id) VALUES ($1)', message.payload.orderId);
        if (message.payload.orderId === doomed) {
          throw new Error('the stock service is on fire');
        }
      },
    });
    await until(async () => (await effects(next)) === 1);
    const [deadLetter] = await readTopics({ brokers, topics: [deadLetterTopic()], until: (read) => read.length >= 1 });
    await dispatcher?.stop();

    assert.equal(deadLetter?.key, doomed);
    assert.equal(deadLetter?.headers[DeadLetterHeaders.reason], 'HANDLER_FAILED');
    assert.equal(deadLetter?.headers[DeadLetterHeaders.error], 'the stock service is on fire');
    assert.equal(deadLetter?.headers[DeadLetterHeaders.attempts], '3');
    assert.equal(await effects(doomed), 0, 'no partial effect survives');
  });

  it('injected faults fail handlers until they are switched off', async () => {
    const faults = new FaultInjector();
    faults.set({ delayMs: 0, failRate: 1 });
    const orderId = randomUUID();
    await send(confirmation(orderId));
    startDispatcher(recordEffect, faults);
    const [deadLetter] = await readTopics({ brokers, topics: [deadLetterTopic()], until: (read) => read.length >= 1 });
    faults.set({ delayMs: 0, failRate: 0 });
    const healthy = randomUUID();
    await send(confirmation(healthy));
    await until(async () => (await effects(healthy)) === 1);
    await dispatcher?.stop();

    assert.match(deadLetter?.headers[DeadLetterHeaders.error] ?? '', /injected fault/);
    assert.equal(await effects(orderId), 0);
  });

  it('commits consumed offsets every 500 ms, not once per batch, and the last ones with no batch after them', async () => {
    let commits = 0;
    // The dispatcher's consumers, counted as they commit offsets.
    const counting: Kafka = Object.assign(Object.create(kafka) as Kafka, {
      consumer: (config: Parameters<Kafka['consumer']>[0]) => {
        const consumer = kafka.consumer(config);
        consumer.on(consumer.events.COMMIT_OFFSETS, () => commits++);
        return consumer;
      },
    });
    const consumerGroup = uniqueName('dispatcher-test');
    startDispatcher(recordEffect, undefined, consumerGroup, counting);
    await dispatcher?.joined;
    const orderIds = Array.from({ length: 20 }, () => randomUUID());
    for (const orderId of orderIds) {
      // Apart, so that each is a batch of its own.
      await send(confirmation(orderId), 1, 'one-partition');
      await sleep(50);
    }
    await until(async () => (await Promise.all(orderIds.map(effects))).every((count) => count === 1));

    const admin = kafka.admin();
    await admin.connect();
    const committed = async () =>
      (await admin.fetchOffsets({ groupId: consumerGroup, topics: [topic()] }))[0]?.partitions.reduce(
        (sum, { offset }) => sum + Math.max(0, Number(offset)),
        0,
      ) ?? 0;
    try {
      await until(async () => (await committed()) === 20, 5_000);
    } finally {
      await admin.disconnect();
    }
    await dispatcher?.stop();
    assert.ok(commits >= 1 && commits <= 8, `${commits} offset commits for 20 batches over about a second`);
  });

  describe('batches', () => {
    /** Confirmations of `count` orders, all with one key, so they travel on one partition in this order. */
    const sendOnOnePartition = async (orderIds: string[]) => {
      await producer.send({
        topic: topic(),
        messages: orderIds.map((orderId) => {
          const envelope = confirmation(orderId);
          return { key: 'one-partition', value: JSON.stringify(envelope), headers: kafkaHeadersOf(envelope) };
        }),
      });
    };
    const recordInOrder = (failFor?: string): MessageHandlers => ({
      OrderConfirmed: async ({ tx, message }) => {
        await tx.execute(
          'INSERT INTO test_batch_effects (order_id, transaction_id) VALUES ($1, txid_current())',
          message.payload.orderId,
        );
        if (message.payload.orderId === failFor) {
          throw new Error('this one cannot be handled');
        }
      },
    });
    const batchEffects = async (orderIds: string[]) =>
      (
        await pool.query<{ order_id: string; transaction_id: string }>(
          'SELECT order_id, transaction_id FROM test_batch_effects WHERE order_id = ANY($1::uuid[]) ORDER BY sequence',
          [orderIds],
        )
      ).rows;

    it('handles the messages waiting on a partition in one transaction, in partition order, a duplicate once', async () => {
      const orderIds = Array.from({ length: 20 }, () => randomUUID());
      await sendOnOnePartition(orderIds);
      const duplicate = confirmation(randomUUID());
      await producer.send({
        topic: topic(),
        messages: [0, 1].map(() => ({
          key: 'one-partition',
          value: JSON.stringify(duplicate),
          headers: kafkaHeadersOf(duplicate),
        })),
      });
      startDispatcher(recordInOrder());
      const all = [...orderIds, duplicate.payload.orderId];
      await until(async () => (await batchEffects(all)).length >= all.length);
      await sleep(500);
      await dispatcher?.stop();

      const rows = await batchEffects(all);
      assert.deepEqual(
        rows.map((row) => row.order_id),
        all,
        'partition order, and the message sent twice in one batch handled once',
      );
      const transactions = new Set(rows.map((row) => row.transaction_id));
      assert.ok(transactions.size < rows.length / 4, `${rows.length} messages in ${transactions.size} transactions`);
    });

    it("runs different orders' handlers side by side, their statements in shared round trips, and one order's in order", async () => {
      const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
      // Two messages of the first order, apart in the batch; all on one partition, each keyed by its order.
      const envelopes = [confirmation(first), confirmation(second), confirmation(first), confirmation(third)];
      await producer.send({
        topic: topic(),
        messages: envelopes.map((envelope) => ({
          key: envelope.aggregateId,
          partition: 0,
          value: JSON.stringify(envelope),
          headers: kafkaHeadersOf(envelope),
        })),
      });
      const label = new Map(envelopes.map((envelope, index) => [envelope.id, `${index}`]));
      const events: string[] = [];
      startDispatcher({
        OrderConfirmed: async ({ tx, message }) => {
          events.push(`ask ${label.get(message.id)}`);
          await tx.execute(
            'INSERT INTO test_batch_effects (order_id, transaction_id) VALUES ($1, txid_current())',
            message.payload.orderId,
          );
          events.push(`answer ${label.get(message.id)}`);
        },
      });
      const orderIds = [first, second, third];
      await until(async () => (await batchEffects(orderIds)).length >= envelopes.length);
      await dispatcher?.stop();

      const rows = await batchEffects(orderIds);
      assert.equal(new Set(rows.map((row) => row.transaction_id)).size, 1, 'one transaction');
      assert.deepEqual(
        events,
        ['ask 0', 'ask 1', 'ask 3', 'answer 0', 'answer 1', 'answer 3', 'ask 2', 'answer 2'],
        "three orders' first statements asked before any answer (one round trip); the first order's second message after its first",
      );
    });

    it('a poison message in the middle of a batch: the others are handled once and in order, only it is dead-lettered', async () => {
      const before = Array.from({ length: 5 }, () => randomUUID());
      const poison = randomUUID();
      const afterIt = Array.from({ length: 5 }, () => randomUUID());
      await sendOnOnePartition([...before, poison, ...afterIt]);
      startDispatcher(recordInOrder(poison));
      await until(async () => (await batchEffects(afterIt)).length === afterIt.length);
      const [deadLetter] = await readTopics({
        brokers,
        topics: [deadLetterTopic()],
        until: (read) => read.length >= 1,
      });
      await dispatcher?.stop();

      assert.deepEqual(
        (await batchEffects([...before, poison, ...afterIt])).map((row) => row.order_id),
        [...before, ...afterIt],
        'each good message once, in partition order; nothing of the poison message',
      );
      assert.equal(JSON.parse(deadLetter?.value ?? '{}').payload?.orderId, poison);
      assert.equal(deadLetter?.headers[DeadLetterHeaders.reason], 'HANDLER_FAILED');
      assert.equal(deadLetter?.headers[DeadLetterHeaders.attempts], '3');
    });

    it('a batch delivered again after its commit (a crash before the offsets reached Kafka) has no second effect', async () => {
      const orderIds = Array.from({ length: 10 }, () => randomUUID());
      const group = uniqueName('dispatcher-crash');
      await sendOnOnePartition(orderIds);
      startDispatcher(recordInOrder(), undefined, group);
      await until(async () => (await batchEffects(orderIds)).length === orderIds.length);
      await dispatcher?.stop();

      // As if the process had died after committing its transaction but before committing the offsets.
      const admin = kafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId: group, topic: topic(), earliest: true });
      await admin.disconnect();
      const marker = randomUUID();
      await sendOnOnePartition([marker]);
      startDispatcher(recordInOrder(), undefined, group);
      await until(async () => (await batchEffects([marker])).length === 1);
      await dispatcher?.stop();

      assert.deepEqual(
        (await batchEffects(orderIds)).map((row) => row.order_id),
        orderIds,
        'the redelivered batch was skipped by the inbox',
      );
      const skipped = await pool.query('SELECT 1 FROM inbox_messages WHERE consumer_group = $1', [group]);
      assert.equal(skipped.rowCount, orderIds.length + 1);
    });
  });
});
