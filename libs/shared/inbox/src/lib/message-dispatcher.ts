import {
  isMessageType,
  MessageHeaders,
  parseMessage,
  type AnyMessage,
  type MessageEnvelope,
  type MessageType,
} from '@dtx/contracts';
import { ensureTopics, type StructuredLogger } from '@dtx/messaging';
import type { Outbox, OutgoingMessage } from '@dtx/outbox';
import { isDatabaseUnavailable, type SqlTransaction, type TransactionRunner } from '@dtx/sql';
import { backoffDelay, errorMessage, sleep, type RetryPolicy } from '@dtx/util';
import { contextFromHeaders, SpanKind, withSpan } from '@dtx/telemetry';
import type { Consumer, EachMessagePayload, IHeaders, Kafka, Producer } from 'kafkajs';
import { DeadLetterPublisher, type DeadLetterReason } from './dead-letter-publisher.js';
import type { FaultInjector } from './fault-injector.js';
import { recordInInbox } from './inbox-record.js';

export interface HandlerContext<Type extends MessageType> {
  /** The transaction that also records the message as handled and stores what the handler returns. */
  tx: SqlTransaction;
  message: MessageEnvelope<Type>;
}

/** Applies a message's effect inside `tx`; returns the messages it causes (stored in the outbox). */
export type MessageHandler<Type extends MessageType> = (
  context: HandlerContext<Type>,
) => Promise<OutgoingMessage[] | void>;

export type MessageHandlers = { [Type in MessageType]?: MessageHandler<Type> };

export interface DispatcherMetrics {
  handled(type: string): void;
  /** Seconds from receiving a message to committing its effect (retries included). */
  handlingTime(type: string, seconds: number): void;
  duplicate(type: string): void;
  deadLettered(reason: DeadLetterReason): void;
}

export interface MessageDispatcherOptions {
  consumerGroup: string;
  topics: string[];
  handlers: MessageHandlers;
  kafka: Kafka;
  /** Publishes dead letters; the service's shared producer. */
  producer: Producer;
  deadLetterTopic: string;
  transaction: TransactionRunner;
  outbox: Outbox;
  logger: StructuredLogger;
  retry?: RetryPolicy;
  faults?: FaultInjector;
  metrics?: DispatcherMetrics;
  /** Partitions handled in parallel (order is kept within each). */
  partitionsConsumedConcurrently?: number;
}

/** Handler runs before a message is dead-lettered, and the backoff between them. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

type Outcome = 'handled' | 'duplicate' | 'dead-lettered' | 'ignored';

class DispatcherStoppingError extends Error {
  constructor() {
    super('dispatcher is stopping; the message will be redelivered');
  }
}

/**
 * The shared consumer: at-least-once delivery plus idempotent handling.
 *
 * For each message: parse and validate it (or dead-letter it at once), then in
 * one transaction record its id in the inbox (a duplicate stops here), run
 * the handler, and store the messages it returns in the outbox; commit; only
 * then does its offset count as consumed (and it reaches Kafka with the next
 * batch of offset commits). A handler that throws is retried with backoff a
 * bounded number of times, then the message is dead-lettered and the
 * consumer moves on. Nothing is acknowledged without being handled or
 * dead-lettered.
 */
export class MessageDispatcher {
  private consumer: Consumer | undefined;
  private running = false;
  private starting: Promise<void> | undefined;
  private readonly deadLetters: DeadLetterPublisher;
  private readonly retry: RetryPolicy;
  private markJoined: () => void = () => undefined;
  /** Resolves once the consumer has joined its group and been given partitions. */
  readonly joined: Promise<void> = new Promise((resolve) => (this.markJoined = resolve));

  constructor(private readonly options: MessageDispatcherOptions) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.deadLetters = new DeadLetterPublisher(options.producer, options.deadLetterTopic, options.consumerGroup);
  }

  /** Starts consuming in the background, retrying until Kafka answers. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.starting = this.connectUntilRunning();
  }

  /** Finishes the message in flight (or abandons its retries, uncommitted) and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.starting;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private async connectUntilRunning(): Promise<void> {
    while (this.running) {
      const consumer = this.options.kafka.consumer({
        groupId: this.options.consumerGroup,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        allowAutoTopicCreation: false,
      });
      try {
        await this.ensureTopics();
        await consumer.connect();
        await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
        consumer.on(consumer.events.GROUP_JOIN, () => this.markJoined());
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart && this.running) {
            this.options.logger.error({ err: payload.error }, 'consumer crashed; reconnecting');
            void this.reconnect();
          }
        });
        await consumer.run({
          // A message's offset counts as consumed once its transaction has committed (or it was
          // dead-lettered), and consumed offsets are committed in batches, not one round trip per
          // message: whatever a crash leaves uncommitted is delivered again, and the inbox skips it.
          autoCommit: true,
          autoCommitInterval: 500,
          autoCommitThreshold: 100,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
          eachMessage: (payload) => this.dispatch(payload),
        });
        this.consumer = consumer;
        this.options.logger.info(
          { consumerGroup: this.options.consumerGroup, topics: this.options.topics },
          'consumer started',
        );
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        this.options.logger.warn({ err: error }, `consumer could not start (${errorMessage(error)}); retrying`);
        await sleep(2_000);
      }
    }
  }

  private async reconnect(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.starting = this.connectUntilRunning();
  }

  private async ensureTopics(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        [...this.options.topics, this.options.deadLetterTopic].map((topic) => ({ topic })),
      );
    } finally {
      await admin.disconnect();
    }
  }

  private async dispatch(payload: EachMessagePayload): Promise<void> {
    const outcome = await this.process(payload);
    if (outcome !== 'ignored') {
      this.options.logger.debug(
        { topic: payload.topic, partition: payload.partition, offset: payload.message.offset, outcome },
        'message processed',
      );
    }
  }

  private async process(payload: EachMessagePayload): Promise<Outcome> {
    // Topics carry types this consumer does not handle (the orchestrator reads every order event, say):
    // the type header tells, so those are skipped without being parsed and validated.
    const announced = headerValue(payload.message.headers, MessageHeaders.messageType);
    if (announced !== undefined && isMessageType(announced) && !this.options.handlers[announced]) {
      return 'ignored';
    }
    const parsed = parseMessage(payload.message.value);
    if (!parsed.ok) {
      return this.deadLetter(payload, parsed.reason, parsed.detail, 0);
    }
    const message = parsed.message;
    const headerId = headerValue(payload.message.headers, MessageHeaders.messageId);
    if (headerId !== message.id) {
      return this.deadLetter(
        payload,
        'HEADER_MISMATCH',
        `message-id header ${headerId} != envelope id ${message.id}`,
        0,
      );
    }
    const handler = this.options.handlers[message.type] as MessageHandler<MessageType> | undefined;
    if (!handler) {
      return 'ignored';
    }
    return this.handleWithRetries(payload, message, handler);
  }

  private async handleWithRetries(
    payload: EachMessagePayload,
    message: AnyMessage,
    handler: MessageHandler<MessageType>,
  ): Promise<Outcome> {
    const startedAt = performance.now();
    for (let attempt = 1; ; attempt++) {
      if (!this.running) {
        throw new DispatcherStoppingError();
      }
      try {
        const outcome = await this.handleOnce(payload, message, handler);
        if (outcome === 'duplicate') {
          this.options.metrics?.duplicate(message.type);
        } else {
          this.options.metrics?.handled(message.type);
          this.options.metrics?.handlingTime(message.type, (performance.now() - startedAt) / 1000);
        }
        return outcome;
      } catch (error) {
        const context = { messageId: message.id, orderId: message.aggregateId, type: message.type, attempt };
        // An outage is not the message's fault: it waits (holding its partition, so order is kept) until the database is back.
        const outage = isDatabaseUnavailable(error);
        if (!outage && attempt >= this.retry.maxAttempts) {
          this.options.logger.error({ ...context, err: error }, 'handler failed on every attempt; dead-lettering');
          return this.deadLetter(payload, 'HANDLER_FAILED', errorMessage(error), attempt);
        }
        const why = outage ? 'the database is unavailable' : 'handler failed';
        this.options.logger.warn({ ...context, err: error }, `${why} (${errorMessage(error)}); retrying`);
        await sleep(backoffDelay(this.retry, Math.min(attempt, this.retry.maxAttempts)));
        await payload.heartbeat();
      }
    }
  }

  /** One attempt, in a consumer span that continues the producer's trace; what it emits continues this span's. */
  private async handleOnce(
    payload: EachMessagePayload,
    message: AnyMessage,
    handler: MessageHandler<MessageType>,
  ): Promise<'handled' | 'duplicate'> {
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': payload.topic,
      'messaging.consumer.group.name': this.options.consumerGroup,
      'messaging.message.id': message.id,
      'messaging.kafka.offset': Number(payload.message.offset),
      'message.type': message.type,
      'message.source': message.source,
      'order.id': message.aggregateId,
      'correlation.id': message.correlationId,
    };
    const parent = contextFromHeaders(stringHeaders(payload.message.headers));
    return withSpan(`process ${message.type}`, { kind: SpanKind.CONSUMER, parent, attributes }, async (span) => {
      await this.options.faults?.delay();
      const outcome = await this.options.transaction(async (tx) => {
        const coordinates = { topic: payload.topic, partition: payload.partition, offset: payload.message.offset };
        if (!(await recordInInbox(tx, this.options.consumerGroup, message, coordinates))) {
          return 'duplicate' as const;
        }
        this.options.faults?.maybeFail();
        const caused = (await handler({ tx, message })) ?? [];
        await this.options.outbox.emit(tx, caused, {
          aggregateId: message.aggregateId,
          correlationId: message.correlationId,
          cause: message,
        });
        return 'handled' as const;
      });
      span.setAttribute('messaging.duplicate', outcome === 'duplicate');
      return outcome;
    });
  }

  private async deadLetter(
    payload: EachMessagePayload,
    reason: DeadLetterReason,
    detail: string,
    attempts: number,
  ): Promise<Outcome> {
    await this.deadLetters.publish(payload, reason, detail, attempts);
    this.options.metrics?.deadLettered(reason);
    this.options.logger.warn(
      { topic: payload.topic, partition: payload.partition, offset: payload.message.offset, reason, detail },
      'message dead-lettered',
    );
    return 'dead-lettered';
  }
}

function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(headers ?? {}).map((name) => [name, headerValue(headers, name)]));
}
