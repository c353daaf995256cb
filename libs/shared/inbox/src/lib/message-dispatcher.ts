import {
  isMessageType,
  MessageHeaders,
  parseMessage,
  type AnyMessage,
  type MessageEnvelope,
  type MessageType,
  type SagaFlow,
} from '@dtx/contracts';
import { ensureTopics, type StructuredLogger } from '@dtx/messaging';
import { advanceLamportClock, readLamportClock, type Emission, type Outbox, type OutgoingMessage } from '@dtx/outbox';
import {
  isDatabaseUnavailable,
  isTransactionConflict,
  isUniqueViolation,
  type SqlTransaction,
  type TransactionRunner,
} from '@dtx/sql';
import { backoffDelay, errorMessage, sleep, type RetryPolicy } from '@dtx/util';
import {
  activeTraceHeaders,
  contextFromHeaders,
  closingSpans,
  SpanKind,
  startSpan,
  withActiveSpan,
  type Span,
} from '@dtx/telemetry';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, Producer } from 'kafkajs';
import { DeadLetterPublisher, type DeadLetterReason, type Delivery } from './dead-letter-publisher.js';
import type { FaultInjector } from './fault-injector.js';
import { recordAllAsNew, recordInInbox } from './inbox-record.js';
import { DEFAULT_MAX_LAMPORT_JUMP, LamportBound } from './lamport-bound.js';

export interface HandlerContext<Type extends MessageType> {
  /** The transaction that also records the message as handled and stores what the handler returns. */
  tx: SqlTransaction;
  message: MessageEnvelope<Type>;
  /**
   * True on a batch's first try. Repeats are rare, so work that a unique key
   * guards may skip looking for a repeat and let the key tell: a repeat fails
   * the transaction with a unique violation, and the batch runs again with
   * `assumeNew` false. Absent: false.
   */
  assumeNew?: boolean;
}

/**
 * Applies a message's effect inside `tx`; returns the messages it causes
 * (stored in the outbox). `appliesTo`, when present, tells the messages it
 * would do nothing for (another flow's orders, say): those are skipped
 * without a transaction or an inbox row, since handling them again would
 * change nothing either.
 */
export type MessageHandler<Type extends MessageType> = ((
  context: HandlerContext<Type>,
) => Promise<OutgoingMessage[] | void>) & {
  appliesTo?: (message: MessageEnvelope<Type>) => boolean;
  /** The one saga flow it handles (see `forFlow`). */
  flow?: SagaFlow;
};

/** A handler that only runs for the messages `applies` accepts; the rest are skipped before any transaction. */
export function onlyWhen<Type extends MessageType>(
  applies: (message: MessageEnvelope<Type>) => boolean,
  handler: MessageHandler<Type>,
): MessageHandler<Type> {
  return Object.assign(handler, { appliesTo: applies });
}

/**
 * A handler of one saga flow's messages: those that name another mode are
 * skipped, and for a type with a topic per flow (`OrderCreated`), its
 * consumer subscribes to its own flow's topic only (`topicsOf`), so the
 * other flow's messages never reach it.
 */
export function forFlow<Type extends MessageType>(flow: SagaFlow, handler: MessageHandler<Type>): MessageHandler<Type> {
  return Object.assign(
    onlyWhen<Type>((message) => isOfFlow(message.payload, flow), handler),
    { flow },
  );
}

/** Whether a message belongs to a saga flow: one that names its order's mode must name that flow. */
export function isOfFlow(payload: object, flow: SagaFlow): boolean {
  return !('mode' in payload) || payload.mode === flow;
}

export type MessageHandlers = { [Type in MessageType]?: MessageHandler<Type> };

/**
 * Takes, before a batch's handlers run, the row locks they will take, in one
 * order that every batch follows (by key, say), so that two batches holding
 * locks of many orders (two lanes of one service, two replicas) never wait
 * for each other in a circle: each handler's own statements lock in order,
 * but a batch runs several of them one after another. Defer the statement
 * where the transaction can (its answer is not needed): it then travels with
 * the handlers' first statement, ahead of it.
 */
export type BatchLocks = (tx: SqlTransaction, messages: readonly AnyMessage[]) => Promise<void>;

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
  /** Partition batches handled at once (order is kept within each); 1 by default, since two batches holding row locks can deadlock. */
  partitionsConsumedConcurrently?: number;
  /** The most messages of one partition handled in one transaction. */
  maxMessagesPerTransaction?: number;
  /** How the broker answers fetches: at once with any data (minBytes 1), or after gathering some. */
  fetch?: { minBytes: number; maxWaitTimeInMs: number };
  /** How far ahead of the service's Lamport clock a message may be; one further ahead is dead-lettered. 0: no bound. */
  maxLamportJump?: number;
  /** The row locks a batch takes before its handlers, in one order for all batches. */
  lockFirst?: BatchLocks;
}

/** Handler runs before a message is dead-lettered, and the backoff between them. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

export const DEFAULT_MAX_MESSAGES_PER_TRANSACTION = 100;

/** Consumed offsets reach Kafka at most this long after their transaction committed, or every this many messages. */
const OFFSET_COMMIT_INTERVAL_MS = 500;
const OFFSET_COMMIT_THRESHOLD = 100;

type CommitOffsets = EachBatchPayload['commitOffsetsIfNecessary'];

class DispatcherStoppingError extends Error {
  constructor() {
    super('dispatcher is stopping; the message will be redelivered');
  }
}

/**
 * The shared consumer: at-least-once delivery plus idempotent handling.
 *
 * Messages come in batches, one partition's at a time, as many as are waiting
 * (so a batch is one message at low load, and many under load). Each is
 * parsed and validated, and its Lamport time checked against the service's
 * clock (or it is dead-lettered at once); then, in one transaction
 * for the batch, the inbox records their ids (duplicates stop here), the
 * handlers run in partition order, and the messages they return go to the
 * outbox; commit; only then do their offsets count as consumed (and reach
 * Kafka with the next offset commit). A batch that fails is handled again one
 * message at a time: a handler that throws is retried with backoff a bounded
 * number of times, then its message is dead-lettered and the consumer moves
 * on. Nothing is acknowledged without being handled or dead-lettered.
 */
export class MessageDispatcher {
  private consumer: Consumer | undefined;
  private running = false;
  private starting: Promise<void> | undefined;
  private readonly deadLetters: DeadLetterPublisher;
  private readonly lamportBound: LamportBound;
  private readonly retry: RetryPolicy;
  private markJoined: () => void = () => undefined;
  /** Commits the offsets consumed and not yet committed, the latest batch's way; for the trailing commit and the last one on stopping. */
  private commitConsumed: (() => Promise<void>) | undefined;
  private trailingCommit: NodeJS.Timeout | undefined;
  private batchesInFlight = 0;
  /** Resolves once the consumer has joined its group and been given partitions. */
  readonly joined: Promise<void> = new Promise((resolve) => (this.markJoined = resolve));

  constructor(private readonly options: MessageDispatcherOptions) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.deadLetters = new DeadLetterPublisher(options.producer, options.deadLetterTopic, options.consumerGroup);
    this.lamportBound = new LamportBound(options.maxLamportJump ?? DEFAULT_MAX_LAMPORT_JUMP, {
      read: () => options.transaction((tx) => readLamportClock(tx)),
      advanceTo: (time) => options.transaction((tx) => advanceLamportClock(tx, time)),
    });
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
    clearTimeout(this.trailingCommit);
    if (this.batchesInFlight === 0) {
      await this.commitConsumed?.().catch(() => undefined);
    }
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
        ...this.options.fetch,
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
          // dead-lettered), and consumed offsets are committed every 500 ms or 100 messages, not
          // once per batch (kafkajs's autoCommit commits after every batch, a broker write each):
          // whatever a crash leaves uncommitted is delivered again, and the inbox skips it.
          autoCommit: false,
          autoCommitInterval: OFFSET_COMMIT_INTERVAL_MS,
          autoCommitThreshold: OFFSET_COMMIT_THRESHOLD,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
          eachBatchAutoResolve: false,
          eachBatch: (payload) => this.dispatchBatch(payload),
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

  /**
   * A fetched batch of one partition, in partition order, in chunks of at most
   * `maxMessagesPerTransaction`: each chunk's messages are handled in one
   * transaction, then its offsets count as consumed.
   */
  private async dispatchBatch({
    batch,
    resolveOffset,
    commitOffsetsIfNecessary,
    uncommittedOffsets,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const deliveries: Delivery[] = batch.messages.map((message) => ({
      topic: batch.topic,
      partition: batch.partition,
      message,
    }));
    const chunkSize = this.options.maxMessagesPerTransaction ?? DEFAULT_MAX_MESSAGES_PER_TRANSACTION;
    this.batchesInFlight++;
    try {
      for (let start = 0; start < deliveries.length; start += chunkSize) {
        if (!this.running || !isRunning() || isStale()) {
          return; // what is not resolved is fetched again, by this consumer or the partition's next owner
        }
        const chunk = deliveries.slice(start, start + chunkSize);
        await this.dispatchChunk(chunk, heartbeat);
        const last = chunk.at(-1);
        if (last) {
          resolveOffset(last.message.offset);
        }
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    } finally {
      this.batchesInFlight--;
      await this.commitTrailing(commitOffsetsIfNecessary, uncommittedOffsets);
    }
  }

  /**
   * Offsets consumed but not yet committed (the interval was not up) are
   * committed when it is, even if no other batch comes; at once when stopping.
   */
  private async commitTrailing(commit: CommitOffsets, uncommitted: EachBatchPayload['uncommittedOffsets']) {
    this.commitConsumed = () => commit(uncommitted());
    if (!this.running) {
      await this.commitConsumed().catch(() => undefined);
      return;
    }
    if (this.trailingCommit === undefined && uncommitted().topics.length > 0) {
      this.trailingCommit = setTimeout(() => {
        this.trailingCommit = undefined;
        this.commitConsumed?.().catch((error: unknown) => {
          this.options.logger.warn(
            { err: error },
            `consumed offsets not committed (${errorMessage(error)}); next time`,
          );
        });
      }, OFFSET_COMMIT_INTERVAL_MS);
      this.trailingCommit.unref();
    }
  }

  private async dispatchChunk(chunk: Delivery[], heartbeat: () => Promise<void>): Promise<void> {
    const work: Handling[] = [];
    for (const delivery of chunk) {
      const read = this.read(delivery);
      if (read.kind === 'unreadable') {
        await this.deadLetter(delivery, read.reason, read.detail, 0);
      } else if (read.kind === 'handle') {
        const refusal = await this.lamportBound.refusal(read.handling.message.lamport);
        if (refusal === undefined) {
          work.push(read.handling);
        } else {
          await this.deadLetter(delivery, 'LAMPORT_TOO_FAR_AHEAD', refusal, 0);
        }
      } else if (read.lamport !== undefined) {
        await this.lamportBound.read(read.lamport);
      }
    }
    await this.lamportBound.keepClockNear();
    if (work.length === 0) {
      return;
    }
    const handled = await this.handleWithRetries(work, heartbeat, 'first-try');
    if (handled.outcome === 'failed') {
      // One bad message must not hold back the others: each alone, in order, so only it is dead-lettered.
      this.options.logger.warn(
        { messages: work.length, topic: chunk[0]?.topic, partition: chunk[0]?.partition, err: handled.error },
        `a batch failed (${errorMessage(handled.error)}); handling its messages one by one`,
      );
      for (const handling of work) {
        await this.handleWithRetries([handling], heartbeat, 'retry');
      }
    }
  }

  /** Whether a message is for this consumer, and if so whether it can be handled. */
  private read(delivery: Delivery): ReadResult {
    // Topics carry types this consumer does not handle (the orchestrator reads every order event, say):
    // the type header tells, so those are skipped without being validated (read only for their Lamport time).
    const announced = headerValue(delivery.message.headers, MessageHeaders.messageType);
    if (announced !== undefined && isMessageType(announced) && !this.options.handlers[announced]) {
      return { kind: 'ignored', lamport: lamportOf(delivery.message.value) };
    }
    const parsed = parseMessage(delivery.message.value);
    if (!parsed.ok) {
      return { kind: 'unreadable', reason: parsed.reason, detail: parsed.detail };
    }
    const message = parsed.message;
    const headerId = headerValue(delivery.message.headers, MessageHeaders.messageId);
    if (headerId !== message.id) {
      return {
        kind: 'unreadable',
        reason: 'HEADER_MISMATCH',
        detail: `message-id header ${headerId} != envelope id ${message.id}`,
      };
    }
    const handler = this.options.handlers[message.type] as MessageHandler<MessageType> | undefined;
    if (!handler || handler.appliesTo?.(message) === false) {
      return { kind: 'ignored', lamport: message.lamport };
    }
    return { kind: 'handle', handling: { delivery, message, handler } };
  }

  /**
   * Handles messages in one transaction, retried while the database is
   * unavailable. A batch that fails otherwise is reported as failed, to be
   * handled one message at a time; a single message is retried with backoff,
   * then dead-lettered. Only a batch's first try assumes its messages new.
   */
  private async handleWithRetries(
    work: Handling[],
    heartbeat: () => Promise<void>,
    round: 'first-try' | 'retry',
  ): Promise<{ outcome: 'handled' | 'dead-lettered' } | { outcome: 'failed'; error: unknown }> {
    const startedAt = performance.now();
    for (let attempt = 1; ; attempt++) {
      if (!this.running) {
        throw new DispatcherStoppingError();
      }
      try {
        const outcomes = await this.handleTogether(work, round === 'first-try' && attempt === 1);
        const seconds = (performance.now() - startedAt) / 1000;
        work.forEach(({ message }, index) => {
          if (outcomes[index] === 'duplicate') {
            this.options.metrics?.duplicate(message.type);
          } else {
            this.options.metrics?.handled(message.type);
            this.options.metrics?.handlingTime(message.type, seconds);
          }
        });
        return { outcome: 'handled' };
      } catch (error) {
        // An outage is not the messages' fault: they wait (holding the partition, so order is kept) until the database is back.
        const outage = isDatabaseUnavailable(error);
        const single = work.length === 1 ? work[0] : undefined;
        // A batch that lost a deadlock to another transaction is not at fault either: it runs again whole, a few times.
        const lostRace = !single && isTransactionConflict(error) && attempt < this.retry.maxAttempts;
        if (!outage && !single && !lostRace) {
          return { outcome: 'failed', error };
        }
        const context = single
          ? { messageId: single.message.id, orderId: single.message.aggregateId, type: single.message.type, attempt }
          : { messages: work.length, attempt };
        if (single && !outage && attempt >= this.retry.maxAttempts) {
          this.options.logger.error({ ...context, err: error }, 'handler failed on every attempt; dead-lettering');
          await this.deadLetter(single.delivery, 'HANDLER_FAILED', errorMessage(error), attempt);
          return { outcome: 'dead-lettered' };
        }
        const why = outage
          ? 'the database is unavailable'
          : lostRace
            ? 'lost a race with another transaction'
            : 'handler failed';
        this.options.logger.warn({ ...context, err: error }, `${why} (${errorMessage(error)}); retrying`);
        await sleep(backoffDelay(this.retry, Math.min(attempt, this.retry.maxAttempts)));
        await heartbeat();
      }
    }
  }

  /**
   * One attempt: in one transaction, the inbox records every message, the
   * handlers run in partition order, and everything they cause goes to the
   * outbox (one statement). Each message gets a consumer span that continues
   * its producer's trace; what it causes continues that span's trace.
   *
   * Repeats are rare, so a first try assumes there are none (`assumeNew`):
   * the inbox insert travels with the handlers' first statement, and the
   * participant guard records a step without first looking for it; a
   * message or a step handled before then fails the transaction on a unique
   * key. Only then does the batch run again the careful way, which tells the
   * repeats: the inbox insert in a round trip of its own, each step looked
   * up before it runs.
   */
  private async handleTogether(work: Handling[], assumeNew: boolean): Promise<Array<'handled' | 'duplicate'>> {
    const spans = work.map(({ delivery, message }) =>
      startSpan(`process ${message.type}`, {
        kind: SpanKind.CONSUMER,
        parent: contextFromHeaders(stringHeaders(delivery.message.headers)),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': delivery.topic,
          'messaging.consumer.group.name': this.options.consumerGroup,
          'messaging.message.id': message.id,
          'messaging.kafka.offset': Number(delivery.message.offset),
          'messaging.batch.message_count': work.length,
          'message.type': message.type,
          'message.source': message.source,
          'order.id': message.aggregateId,
          'correlation.id': message.correlationId,
        },
      }),
    );
    return closingSpans(spans, async () => {
      await this.options.faults?.delay();
      if (assumeNew) {
        try {
          return await this.handleInTransaction(work, spans, true);
        } catch (error) {
          if (!isUniqueViolation(error)) {
            throw error;
          }
          this.options.logger.debug(
            { messages: work.length, err: error },
            'a first try met a message or a step handled before; running the batch again the careful way',
          );
        }
      }
      return this.handleInTransaction(work, spans, false);
    });
  }

  private handleInTransaction(
    work: Handling[],
    spans: Span[],
    assumeNew: boolean,
  ): Promise<Array<'handled' | 'duplicate'>> {
    return this.options.transaction(async (tx) => {
      const entries = work.map(({ delivery, message }) => ({ message, coordinates: coordinatesOf(delivery) }));
      const fresh =
        (assumeNew ? recordAllAsNew(tx, this.options.consumerGroup, entries) : undefined) ??
        (await recordInInbox(tx, this.options.consumerGroup, entries));
      await this.options.lockFirst?.(
        tx,
        work.map(({ message }) => message),
      );
      const emissions: (Emission | undefined)[] = work.map(() => undefined);
      const outcomes: Array<'handled' | 'duplicate'> = work.map(() => 'duplicate');
      const handle = async (index: number) => {
        const { message, handler } = work[index] as Handling;
        const span = spans[index] as Span;
        // The same message twice in one batch (published again by a relay) is new only the first time.
        const isNew = fresh.delete(message.id);
        span.setAttribute('messaging.duplicate', !isNew);
        if (!isNew) {
          return;
        }
        await withActiveSpan(span, async () => {
          this.options.faults?.maybeFail();
          const caused = (await handler({ tx, message, assumeNew })) ?? [];
          emissions[index] = {
            messages: caused,
            causation: {
              aggregateId: message.aggregateId,
              correlationId: message.correlationId,
              cause: message,
              trace: activeTraceHeaders(),
            },
          };
        });
        outcomes[index] = 'handled';
      };
      // One order's messages one after another, in partition order; different orders' side by side, so that
      // the statements they ask for in the same turn travel together: a batch's first statements, one round trip.
      await allSettledOrFirstError(
        indexesPerKey(work).map(async (indexes) => {
          for (const index of indexes) {
            await handle(index);
          }
        }),
      );
      // The transaction's last statement: where it can, its COMMIT travels with it.
      // In partition order, whichever handler finished first.
      await this.options.outbox.emitAll(
        tx.committing ?? tx,
        emissions.filter((emission) => emission !== undefined),
      );
      return outcomes;
    });
  }

  private async deadLetter(delivery: Delivery, reason: DeadLetterReason, detail: string, attempts: number) {
    await this.deadLetters.publish(delivery, reason, detail, attempts);
    this.options.metrics?.deadLettered(reason);
    this.options.logger.warn(
      { topic: delivery.topic, partition: delivery.partition, offset: delivery.message.offset, reason, detail },
      'message dead-lettered',
    );
  }
}

/** A message this consumer handles, with where it came from and its handler. */
interface Handling {
  delivery: Delivery;
  message: AnyMessage;
  handler: MessageHandler<MessageType>;
}

type ReadResult =
  /** Not for this consumer; its Lamport time, if it has one, still tells how far the senders' clocks are. */
  | { kind: 'ignored'; lamport?: number }
  | { kind: 'unreadable'; reason: DeadLetterReason; detail: string }
  | { kind: 'handle'; handling: Handling };

/** The Lamport time of a message that is not validated: parsed only as JSON, undefined if it has none. */
function lamportOf(value: Buffer | null): number | undefined {
  try {
    const lamport: unknown = (JSON.parse(value?.toString() ?? '') as { lamport?: unknown }).lamport;
    return Number.isSafeInteger(lamport) && (lamport as number) > 0 ? (lamport as number) : undefined;
  } catch {
    return undefined;
  }
}

/** The positions of the batch's messages, grouped by Kafka key (the order), each group in partition order. */
function indexesPerKey(work: readonly Handling[]): number[][] {
  const groups = new Map<string, number[]>();
  work.forEach(({ delivery, message }, index) => {
    const key = delivery.message.key?.toString() ?? message.aggregateId;
    const group = groups.get(key);
    if (group) {
      group.push(index);
    } else {
      groups.set(key, [index]);
    }
  });
  return [...groups.values()];
}

/** Waits for every task, so none is still running in the transaction when it ends; then fails with the first failure, if any. */
async function allSettledOrFirstError(tasks: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((result) => result.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
}

function coordinatesOf({ topic, partition, message }: Delivery) {
  return { topic, partition, offset: message.offset };
}

function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(headers ?? {}).map((name) => [name, headerValue(headers, name)]));
}
