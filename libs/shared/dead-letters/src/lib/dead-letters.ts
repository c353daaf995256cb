import { deadLetterReplaysTopic, deadLetterTopic } from '@dtx/contracts';
import { DeadLetterHeaders } from '@dtx/inbox';
import { CONSOLE_GROUP_PREFIX, REPLAYABLE_TOPICS, SERVICE_KAFKA_ACCESS } from '@dtx/messaging';
import { contextFromHeaders, SpanKind, traceHeadersOf, withSpan } from '@dtx/telemetry';
import type { Kafka } from 'kafkajs';
import {
  headerText,
  positionLabel,
  readDeadLetter,
  readReplayRecord,
  replayHeaders,
  selectDeadLetters,
  textHeaders,
  traceIdOf,
  withReplays,
  type DeadLetter,
  type DeadLetterReplay,
  type RecordPosition,
} from './dead-letter.js';
import { readTopicsToEnd, type ReadRecord } from './topic-reader.js';

/** Which deployment, and the consumer groups this process may make. */
export interface DeadLetterScope {
  /** The deployment's KAFKA_TOPIC_PREFIX (default none). */
  topicPrefix?: string;
  /** Prefix of the throwaway consumer groups that read the topics (default `console-`, the console user's). */
  groupIdPrefix?: string;
}

export interface ListDeadLettersOptions extends DeadLetterScope {
  /** Dead-letter topics to read, by full name (default every service's: `<prefix><service>.dead-letters`). */
  topics?: string[];
  /** Only dead letters with this `dead-letter-reason`. */
  reason?: string;
  /** At most this many, newest first (default all). */
  limit?: number;
}

export interface ReplayDeadLetterRequest extends DeadLetterScope {
  /** Which dead letter: its dead-letter topic, partition and offset. */
  deadLetter: RecordPosition;
  /** Who asks: the admin's token subject. Recorded with the replay. */
  replayedBy: string;
}

export interface ReplayDeadLettersRequest extends DeadLetterScope {
  /** Every dead letter with this `dead-letter-reason` that has not been replayed yet. */
  reason: string;
  replayedBy: string;
  /** Dead-letter topics to look in, by full name (default every service's). */
  topics?: string[];
}

/** Why a dead letter cannot be replayed: there is none at that position, or it names no topic it may go back to. */
export class DeadLetterReplayError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'NOT_REPLAYABLE',
    message: string,
  ) {
    super(message);
    this.name = 'DeadLetterReplayError';
  }
}

/** Every service's dead-letter topic in the deployment: `<prefix><service>.dead-letters` of each service that consumes. */
export function deadLetterTopics(topicPrefix = ''): string[] {
  return Object.entries(SERVICE_KAFKA_ACCESS)
    .filter(([service, access]) => (access.writes as readonly string[]).includes(deadLetterTopic(service)))
    .map(([service]) => `${topicPrefix}${deadLetterTopic(service)}`);
}

/** Where the deployment's replays are recorded: `<prefix>dead-letters.replays`. */
export const replayRecordTopic = (topicPrefix = '') => `${topicPrefix}${deadLetterReplaysTopic}`;

const groupPrefixOf = (scope: DeadLetterScope) => scope.groupIdPrefix ?? CONSOLE_GROUP_PREFIX;

/**
 * The dead letters of the deployment, newest first, each with its replays
 * ("replayed by X at T"): every record of the dead-letter topics and of the
 * replay records, read from the beginning by a consumer group of its own that
 * commits nothing.
 */
export async function listDeadLetters(kafka: Kafka, options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  const topics = options.topics ?? deadLetterTopics(options.topicPrefix);
  const records = await readTopicsToEnd(
    kafka,
    [...topics, replayRecordTopic(options.topicPrefix)],
    groupPrefixOf(options),
  );
  const replays = replaysIn(records, replayRecordTopic(options.topicPrefix));
  const letters = records
    .filter((record) => topics.includes(record.topic))
    .map((record) => readDeadLetter(record.topic, record.partition, record.message));
  return selectDeadLetters(withReplays(letters, replays), options);
}

/**
 * Puts one dead letter back on its original topic (and partition), with its
 * key, value and `message-id` unchanged, so the consumers' inboxes make a
 * second delivery harmless, and records the replay on the replay topic. Runs
 * in a `dead-letter.replay` span, child of the dead letter's `traceparent`;
 * the copy carries that span's trace context, so the consumer's span joins the
 * order's trace under it. Throws `DeadLetterReplayError` when there is no such
 * dead letter or it names no topic of the deployment that a service consumes.
 */
export async function replayDeadLetter(kafka: Kafka, request: ReplayDeadLetterRequest): Promise<DeadLetterReplay> {
  const { topic, partition, offset } = request.deadLetter;
  if (!deadLetterTopics(request.topicPrefix).includes(topic)) {
    throw new DeadLetterReplayError('NOT_FOUND', `${topic} is not a dead-letter topic of this deployment`);
  }
  const records = await readTopicsToEnd(kafka, [topic], groupPrefixOf(request));
  const record = records.find((candidate) => candidate.partition === partition && candidate.message.offset === offset);
  if (!record) {
    throw new DeadLetterReplayError('NOT_FOUND', `no dead letter at ${positionLabel(request.deadLetter)}`);
  }
  const [replay] = await replayRecords(kafka, [record], request);
  return replay as DeadLetterReplay;
}

/**
 * Replays every dead letter of one reason that has not been replayed yet (one
 * replayed before and dead-lettered again is a new dead letter), oldest first;
 * returns the replays.
 */
export async function replayDeadLetters(kafka: Kafka, request: ReplayDeadLettersRequest): Promise<DeadLetterReplay[]> {
  const topics = request.topics ?? deadLetterTopics(request.topicPrefix);
  const allowed = new Set(deadLetterTopics(request.topicPrefix));
  const refused = topics.filter((topic) => !allowed.has(topic));
  if (refused.length > 0) {
    throw new DeadLetterReplayError('NOT_FOUND', `not dead-letter topics of this deployment: ${refused.join(', ')}`);
  }
  const recordTopic = replayRecordTopic(request.topicPrefix);
  const records = await readTopicsToEnd(kafka, [...topics, recordTopic], groupPrefixOf(request));
  const replayed = new Set(replaysIn(records, recordTopic).map((replay) => positionLabel(replay.deadLetter)));
  const chosen = records.filter(
    (record) =>
      record.topic !== recordTopic &&
      headerText(record.message.headers, DeadLetterHeaders.reason) === request.reason &&
      !replayed.has(positionLabel({ ...record, offset: record.message.offset })),
  );
  chosen.sort((a, b) => Number(a.message.timestamp) - Number(b.message.timestamp));
  return chosen.length === 0 ? [] : replayRecords(kafka, chosen, request);
}

function replaysIn(records: ReadRecord[], recordTopic: string): DeadLetterReplay[] {
  return records
    .filter((record) => record.topic === recordTopic)
    .map((record) => readReplayRecord(record.message.value))
    .filter((replay): replay is DeadLetterReplay => replay !== undefined);
}

/** Sends each dead letter back where it came from, then its replay record; one producer for all. */
async function replayRecords(
  kafka: Kafka,
  records: ReadRecord[],
  request: DeadLetterScope & { replayedBy: string },
): Promise<DeadLetterReplay[]> {
  const prefix = request.topicPrefix ?? '';
  const replayable = new Set(REPLAYABLE_TOPICS.map((topic) => `${prefix}${topic}`));
  const letters = records.map((record) => {
    const letter = readDeadLetter(record.topic, record.partition, record.message);
    if (!letter.originalTopic || !replayable.has(letter.originalTopic)) {
      throw new DeadLetterReplayError(
        'NOT_REPLAYABLE',
        `${positionLabel(letter)} came from ${letter.originalTopic ?? 'no topic it names'}, which no service of this deployment consumes`,
      );
    }
    return { record, letter, originalTopic: letter.originalTopic };
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const replays: DeadLetterReplay[] = [];
    for (const { record, letter, originalTopic } of letters) {
      replays.push(await replayOne(producer, record, letter, originalTopic, request.replayedBy, prefix));
    }
    return replays;
  } finally {
    await producer.disconnect();
  }
}

async function replayOne(
  producer: ReturnType<Kafka['producer']>,
  record: ReadRecord,
  letter: DeadLetter,
  originalTopic: string,
  replayedBy: string,
  prefix: string,
): Promise<DeadLetterReplay> {
  const { message } = record;
  return withSpan(
    'dead-letter.replay',
    {
      kind: SpanKind.PRODUCER,
      parent: contextFromHeaders(textHeaders(message.headers)),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': originalTopic,
        ...(letter.messageId ? { 'messaging.message.id': letter.messageId } : {}),
        ...(letter.type ? { 'message.type': letter.type } : {}),
        ...(letter.orderId ? { 'order.id': letter.orderId } : {}),
        'dead_letter.topic': letter.topic,
        'dead_letter.partition': letter.partition,
        'dead_letter.offset': letter.offset,
        'dead_letter.reason': letter.reason,
        'dead_letter.replayed_by': replayedBy,
      },
    },
    async (span) => {
      const replayedAt = new Date();
      const headers = replayHeaders(message.headers, {
        from: letter,
        by: replayedBy,
        at: replayedAt,
        trace: traceHeadersOf(span),
      });
      const [sent] = await producer.send({
        topic: originalTopic,
        acks: -1,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers,
            ...(letter.originalPartition === null ? {} : { partition: letter.originalPartition }),
          },
        ],
      });
      const replay: DeadLetterReplay = {
        deadLetter: { topic: letter.topic, partition: letter.partition, offset: letter.offset },
        replayedTo: { topic: originalTopic, partition: sent?.partition ?? -1, offset: sent?.baseOffset ?? '' },
        messageId: letter.messageId,
        orderId: letter.orderId,
        replayedBy,
        replayedAt: replayedAt.toISOString(),
        traceId: traceIdOf(headers['traceparent']),
      };
      await producer.send({
        topic: replayRecordTopic(prefix),
        acks: -1,
        messages: [{ key: letter.orderId ?? positionLabel(letter), value: JSON.stringify(replay) }],
      });
      return replay;
    },
  );
}
