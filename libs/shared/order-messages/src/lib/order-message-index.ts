import { randomUUID } from 'node:crypto';
import type { ObservedMessage } from '@dtx/inspection';
import type { Consumer, Kafka } from 'kafkajs';
import { observeRecord, orderMessageTopics, orderRecordOf, type OrderRecord } from './order-messages.js';

export interface OrderMessageIndexOptions {
  kafka: Kafka;
  /** The deployment's KAFKA_TOPIC_PREFIX. */
  topicPrefix: string;
  /** Prefix of the index's own consumer group (the console user may read groups starting `console-`). */
  groupIdPrefix: string;
  /** The most messages held; past it the orders written to least recently are dropped, whole. */
  maxMessages: number;
  /** How often to look for the topics again while the broker has none of them yet. */
  topicRetryMs?: number;
  onError?: (error: unknown, context: string) => void;
}

/** What the index holds of one order, and whether that is all of it. */
export interface IndexedOrder {
  messages: ObservedMessage[];
  /**
   * True when these are every message of the order up to the moment the index
   * last read: the index has read the topics to where they ended when it
   * started, and has never dropped this order (nor, for an order it has no
   * message of, any order at all).
   */
  complete: boolean;
}

export interface OrderMessageIndexStatus {
  state: 'starting' | 'catching up' | 'current';
  orders: number;
  messages: number;
  maxMessages: number;
  /** Orders dropped to stay within maxMessages since the index started. */
  droppedOrders: number;
  /** Partitions not yet read to where they ended at start-up. */
  partitionsBehind: number;
}

/**
 * Every Kafka message of the system kept in memory by order id, read by one
 * background consumer of its own from the beginning of every business and
 * dead-letter topic, so that a page shows an order's messages without reading
 * the topics again. Bounded by `maxMessages`: past it the orders written to
 * least recently are dropped whole, and the index says so (`complete: false`)
 * for them, so that a caller can read them from the topics instead.
 */
export class OrderMessageIndex {
  /**
   * Each order's records as read, kept as their JSON text and a few headers (about a
   * third of the memory of parsed messages); observed again when asked for.
   */
  private readonly orders = new Map<string, OrderRecord[]>();
  /** Orders dropped, so a later message of one does not pass for all of it; bounded like the index itself. */
  private readonly dropped = new Set<string>();
  private droppedOrders = 0;
  private messageCount = 0;
  private readonly behind = new Map<string, bigint>();
  private started = false;
  private stopped = false;
  private consumer: Consumer | undefined;
  private readonly groupId: string;

  constructor(private readonly options: OrderMessageIndexOptions) {
    this.groupId = `${options.groupIdPrefix}index-${randomUUID()}`;
  }

  /** Starts reading in the background; returns once the consumer runs (not once it has caught up). */
  async start(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      let topics = orderMessageTopics(await admin.listTopics(), this.options.topicPrefix);
      while (topics.length === 0 && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.options.topicRetryMs ?? 5_000));
        topics = orderMessageTopics(await admin.listTopics(), this.options.topicPrefix);
      }
      for (const topic of topics) {
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(high) > BigInt(low)) {
            this.behind.set(`${topic}/${partition}`, BigInt(high));
          }
        }
      }
      if (this.stopped) {
        return;
      }
      const consumer = this.options.kafka.consumer({
        groupId: this.groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        // A fetch is answered as soon as any message arrives; this bounds only how long the broker holds
        // one that finds nothing. Every fetch names every partition of every topic read (48), so short
        // waits cost much at idle: at 200 ms the console and the broker spent 130 ms of CPU a second.
        maxWaitTimeInMs: 1_000,
      });
      this.consumer = consumer;
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const orderId = message.key?.toString();
            if (orderId) {
              this.add(orderId, orderRecordOf(batch.topic, batch.partition, message));
            }
          }
          const partition = `${batch.topic}/${batch.partition}`;
          const end = this.behind.get(partition);
          if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
            this.behind.delete(partition);
          }
        },
      });
      this.started = true;
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops the consumer and deletes its group. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.consumer) {
      return;
    }
    await this.consumer.disconnect().catch((error: unknown) => this.options.onError?.(error, 'disconnect'));
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      this.options.onError?.(error, 'delete group');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** The order's messages as read so far, in the order they were read. */
  messagesOf(orderId: string): IndexedOrder {
    const records = this.orders.get(orderId);
    const current = this.started && this.behind.size === 0;
    if (records) {
      const messages = records.map(observeRecord).filter((message) => message !== undefined);
      return { messages, complete: current && !this.dropped.has(orderId) };
    }
    return { messages: [], complete: current && this.droppedOrders === 0 };
  }

  status(): OrderMessageIndexStatus {
    return {
      state: !this.started ? 'starting' : this.behind.size > 0 ? 'catching up' : 'current',
      orders: this.orders.size,
      messages: this.messageCount,
      maxMessages: this.options.maxMessages,
      droppedOrders: this.droppedOrders,
      partitionsBehind: this.behind.size,
    };
  }

  /** Adds one record; the order moves to the back of the line for dropping. */
  add(orderId: string, record: OrderRecord): void {
    const records = this.orders.get(orderId) ?? [];
    this.orders.delete(orderId);
    records.push(record);
    this.orders.set(orderId, records);
    this.messageCount++;
    while (this.messageCount > this.options.maxMessages && this.orders.size > 1) {
      const [oldest, itsRecords] = this.orders.entries().next().value as [string, OrderRecord[]];
      this.orders.delete(oldest);
      this.messageCount -= itsRecords.length;
      this.droppedOrders++;
      this.dropped.add(oldest);
      if (this.dropped.size > this.options.maxMessages) {
        this.dropped.delete(this.dropped.values().next().value as string);
      }
    }
  }
}
