import { randomUUID } from 'node:crypto';
import type { KafkaSecurity } from '@dtx/config';
import { Topics } from '@dtx/contracts';
import type { ObservedMessage } from '@dtx/inspection';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

/** The topics of the system that carry an order's messages, without the deployment's prefix (dead letters aside). */
export const BUSINESS_TOPICS: readonly string[] = Object.values(Topics);

/** Of the broker's topics, those that hold an order's messages in the deployment of `prefix`: business topics and dead letters. */
export function orderMessageTopics(allTopics: readonly string[], prefix: string): string[] {
  return allTopics.filter(
    (topic) =>
      topic.startsWith(prefix) &&
      (BUSINESS_TOPICS.includes(topic.slice(prefix.length)) || topic.endsWith('.dead-letters')),
  );
}

/** A Kafka record about an order, as much of it as `observeRecord` reads: kept small, since the console holds many. */
export interface OrderRecord {
  topic: string;
  partition: number;
  offset: string;
  value: string | null;
  /** The headers an observation reads (the last value of each). */
  headers: Partial<Record<(typeof OBSERVED_HEADERS)[number], string>>;
}

const OBSERVED_HEADERS = [
  'message-id',
  'message-type',
  'dead-letter-reason',
  'dead-letter-error',
  'dead-letter-consumer-group',
  'replayed-by',
  'replayed-at',
] as const;

/** The part of a consumed Kafka message an observation needs, copied out of the fetch buffer. */
export function orderRecordOf(topic: string, partition: number, message: KafkaMessage): OrderRecord {
  const headers: OrderRecord['headers'] = {};
  for (const name of OBSERVED_HEADERS) {
    const value = message.headers?.[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) {
      headers[name] = last.toString();
    }
  }
  return { topic, partition, offset: message.offset, value: message.value?.toString() ?? null, headers };
}

/** A Kafka record about an order as an observed message, or undefined if it cannot be read as one. */
export function observe(topic: string, partition: number, message: KafkaMessage): ObservedMessage | undefined {
  return observeRecord(orderRecordOf(topic, partition, message));
}

/** An order record as an observed message. */
export function observeRecord(record: OrderRecord): ObservedMessage | undefined {
  const header = (name: (typeof OBSERVED_HEADERS)[number]) => record.headers[name] ?? '';
  const { topic, partition } = record;
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(record.value ?? '') as Record<string, unknown>;
  } catch {
    envelope = { id: header('message-id') || `unparsable@${record.offset}`, type: '(not JSON)', payload: {} };
  }
  const deadLetter = topic.endsWith('.dead-letters')
    ? {
        reason: header('dead-letter-reason'),
        error: header('dead-letter-error'),
        consumerGroup: header('dead-letter-consumer-group'),
      }
    : undefined;
  const replayedBy = header('replayed-by');
  return {
    id: String(envelope['id'] ?? ''),
    type: String(envelope['type'] ?? header('message-type')),
    source: String(envelope['source'] ?? '?'),
    topic,
    partition,
    offset: record.offset,
    causationId: typeof envelope['causationId'] === 'string' ? envelope['causationId'] : null,
    correlationId: String(envelope['correlationId'] ?? ''),
    lamport: Number(envelope['lamport'] ?? 0),
    payload: (envelope['payload'] as Record<string, unknown>) ?? {},
    ...(deadLetter ? { deadLetter } : {}),
    ...(replayedBy ? { replay: { by: replayedBy, at: header('replayed-at') } } : {}),
  };
}

/**
 * Reads every topic of the system from the beginning up to where it ends now,
 * keeping the records keyed by `orderId`; with `follow`, keeps going and
 * hands each new one to `onMessage` until stopped.
 */
export async function readOrderMessages(options: {
  brokers: string[];
  security: KafkaSecurity;
  prefix: string;
  orderId: string;
  follow: boolean;
  /** Kafka client id (default `inspect`). */
  clientId?: string;
  /** Prefix of the throwaway consumer group (default `inspect-`: the inspector user's groups). */
  groupIdPrefix?: string;
  onMessage?: (message: ObservedMessage) => void;
  /** Called once everything that was on the topics at the start has been read. */
  onCaughtUp?: (messages: ObservedMessage[]) => void;
  signal?: AbortSignal;
}): Promise<ObservedMessage[]> {
  const kafka = new Kafka({
    clientId: options.clientId ?? 'inspect',
    brokers: options.brokers,
    ...options.security,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${options.groupIdPrefix ?? 'inspect-'}${randomUUID()}`;
  const found: ObservedMessage[] = [];
  try {
    const topics = orderMessageTopics(await admin.listTopics(), options.prefix);
    const remaining = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) {
          remaining.set(`${topic}/${partition}`, BigInt(high));
        }
      }
    }
    if (topics.length === 0) {
      options.onCaughtUp?.(found);
      return found;
    }
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let caughtUp: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    if (remaining.size === 0) {
      caughtUp();
    }
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.key?.toString() === options.orderId) {
            const observed = observe(batch.topic, batch.partition, message);
            if (observed) {
              found.push(observed);
              options.onMessage?.(observed);
            }
          }
        }
        const partition = `${batch.topic}/${batch.partition}`;
        const end = remaining.get(partition);
        if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
          remaining.delete(partition);
          if (remaining.size === 0) {
            caughtUp();
          }
        }
      },
    });
    await done;
    options.onCaughtUp?.([...found]);
    if (options.follow) {
      await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
    }
    await consumer.disconnect();
    return found;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
