import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

/** A record as read, with the topic and partition it is on. */
export interface ReadRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

const READ_TIMEOUT_MS = 60_000;

/**
 * Every record of `topics` (those that exist), from the beginning up to where
 * each partition ends when the read starts. Reads with a consumer group of its
 * own, `<groupIdPrefix><uuid>`, that commits nothing and is deleted afterwards,
 * so no other group's offsets move.
 */
export async function readTopicsToEnd(kafka: Kafka, topics: string[], groupIdPrefix: string): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${groupIdPrefix}${randomUUID()}`;
  let consumer: Consumer | undefined;
  try {
    const existing = new Set(await admin.listTopics());
    const present = [...new Set(topics)].filter((topic) => existing.has(topic));
    const ends = new Map<string, bigint>();
    for (const topic of present) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) {
          ends.set(`${topic}/${partition}`, BigInt(high));
        }
      }
    }
    const records: ReadRecord[] = [];
    if (ends.size === 0) {
      return records;
    }
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const reading = consumer;
    await reading.connect();
    await reading.subscribe({ topics: present, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${present.join(', ')} not read within ${READ_TIMEOUT_MS} ms`)),
        READ_TIMEOUT_MS,
      );
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      reading.on(reading.events.CRASH, ({ payload }) => fail(payload.error));
      reading
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const partition = `${batch.topic}/${batch.partition}`;
            const end = ends.get(partition);
            if (end === undefined) {
              return;
            }
            for (const message of batch.messages) {
              if (BigInt(message.offset) < end) {
                records.push({ topic: batch.topic, partition: batch.partition, message });
              }
            }
            if (BigInt(batch.lastOffset()) + 1n >= end) {
              ends.delete(partition);
            }
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(fail);
    });
    return records;
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
