import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKafkaClient, ensureTopics, KafkaReadinessProbe } from '../src/index.js';
import { freePort, testInfrastructure, uniqueName } from '@dtx/testing';
import type { Admin, EachMessagePayload, Kafka } from 'kafkajs';

interface Received {
  key: string;
  value: string;
  offset: string;
  headers: Record<string, string>;
}

/** Consumes with manual commits until `count` messages arrived, commits the last one, disconnects. */
async function consumeAndCommit(kafka: Kafka, topic: string, groupId: string, count: number): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId });
  const received: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages arrived`)), 30_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }: EachMessagePayload) => {
        if (received.length >= count) {
          return;
        }
        received.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          offset: message.offset,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        });
        if (received.length === count) {
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return received;
}

describe('kafkajs against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  before(async () => {
    const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
    kafka = createKafkaClient({
      clientId: uniqueName('kafka-test'),
      brokers: kafkaBrokers,
      security: kafkaAccess.security,
    });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => admin.disconnect());

  it('creates topics once: a second call creates nothing', async () => {
    const topic = uniqueName('foundation.created');
    assert.deepEqual(await ensureTopics(admin, [{ topic, numPartitions: 3 }]), [topic]);
    assert.deepEqual(await ensureTopics(admin, [{ topic, numPartitions: 3 }]), []);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(metadata.topics[0]?.partitions.length, 3);
  });

  it('returns once every partition of every new topic has a leader, also when two callers create them at once', async () => {
    const topics = Array.from({ length: 12 }, (_, index) => ({ topic: uniqueName(`foundation.led${index}`) }));
    const [first, second] = await Promise.all([ensureTopics(admin, topics), ensureTopics(admin, topics)]);
    assert.equal(new Set([...first, ...second]).size, topics.length, 'every topic created by one caller or both');
    const metadata = await admin.fetchTopicMetadata({ topics: topics.map(({ topic }) => topic) });
    const partitions = metadata.topics.flatMap((topic) => topic.partitions);
    assert.equal(partitions.length, topics.length * 3);
    assert.ok(
      partitions.every((partition) => partition.partitionErrorCode === 0 && partition.leader >= 0),
      'every partition led',
    );
  });

  it('delivers keyed messages with headers to a group, and a restarted consumer resumes after the committed offset', async () => {
    const topic = uniqueName('foundation.resume');
    const groupId = uniqueName('foundation-group');
    await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [1, 2, 3, 4, 5].map((n) => ({
        key: 'order-1',
        value: JSON.stringify({ n }),
        headers: { 'message-id': `m-${n}`, 'message-type': 'FoundationTested' },
      })),
    });
    await producer.disconnect();

    const firstRun = await consumeAndCommit(kafka, topic, groupId, 3);
    assert.deepEqual(
      firstRun.map((message) => message.value),
      ['{"n":1}', '{"n":2}', '{"n":3}'],
    );
    assert.deepEqual(firstRun[0]?.headers, { 'message-id': 'm-1', 'message-type': 'FoundationTested' });
    assert.equal(firstRun[0]?.key, 'order-1');

    const afterRestart = await consumeAndCommit(kafka, topic, groupId, 2);
    assert.deepEqual(
      afterRestart.map((message) => [message.offset, message.headers['message-id']]),
      [
        ['3', 'm-4'],
        ['4', 'm-5'],
      ],
    );
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(committed?.partitions[0]?.offset, '5');
  });

  it('readiness probe: answers for the real cluster, fails fast for an unreachable one', async () => {
    const probe = new KafkaReadinessProbe(kafka);
    try {
      const cluster = await probe.check(5_000);
      assert.ok(cluster.brokers >= 1);
    } finally {
      await probe.close();
    }

    const nowhere = createKafkaClient({ clientId: 'nowhere', brokers: [`127.0.0.1:${await freePort()}`], retries: 0 });
    const unreachable = new KafkaReadinessProbe(nowhere);
    const startedAt = Date.now();
    await assert.rejects(unreachable.check(2_000));
    assert.ok(Date.now() - startedAt < 5_000, 'the probe gave up in time');
    await unreachable.close();
  });
});
