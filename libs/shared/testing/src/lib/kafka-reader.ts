import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { testInfrastructure } from './test-infrastructure.js';
import { uniqueName } from './unique-name.js';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** A kafkajs client of the tests' own, signed in as the tests' user, that logs nothing. */
export async function testKafkaClient(name: string, brokers?: string[]): Promise<Kafka> {
  const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
  return new Kafka({
    clientId: uniqueName(name),
    brokers: brokers ?? kafkaBrokers,
    ...kafkaAccess.security,
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Reads topics from the beginning with a throwaway consumer group until
 * `until(records)` holds or the timeout passes; returns what it read (only
 * the records `keep` accepts, when given: on a long topic, the few wanted).
 */
export async function readTopics(options: {
  brokers: string[];
  topics: string[];
  until: (records: ReadRecord[]) => boolean;
  keep?: (record: ReadRecord) => boolean;
  timeoutMs?: number;
}): Promise<ReadRecord[]> {
  const kafka = await testKafkaClient('reader', options.brokers);
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const records: ReadRecord[] = [];
  await createMissingTopics(kafka, options.topics);
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: options.topics, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs ?? 20_000);
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const record = toRecord(topic, partition, message);
          if (options.keep && !options.keep(record)) {
            return;
          }
          records.push(record);
          if (options.until(records)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

function toRecord(topic: string, partition: number, message: KafkaMessage): ReadRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
  };
}

async function createMissingTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3 })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Sends records as they are (key, value and headers untouched), e.g. to redeliver or to inject a poison message. */
export async function sendRecords(
  brokers: string[],
  records: { topic: string; key: string | null; value: string | null; headers?: Record<string, string> }[],
): Promise<void> {
  const kafka = await testKafkaClient('sender', brokers);
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (const record of records) {
      await producer.send({
        topic: record.topic,
        messages: [{ key: record.key, value: record.value, headers: record.headers }],
      });
    }
  } finally {
    await producer.disconnect();
  }
}
