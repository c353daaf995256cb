import { DeadLetterHeaders } from '@dtx/inbox';
import type { TraceHeaders } from '@dtx/telemetry';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** Where a record is: a topic, a partition and an offset (a string, as Kafka's offsets are 64-bit). */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** One replay of a dead letter, as recorded on the replay topic. */
export interface DeadLetterReplay {
  /** The dead letter that was replayed. */
  deadLetter: RecordPosition;
  /** Where its copy went: its original topic, at this partition and offset. */
  replayedTo: RecordPosition;
  messageId: string | null;
  orderId: string | null;
  /** The admin who asked for it: the `sub` of their token. */
  replayedBy: string;
  /** ISO 8601. */
  replayedAt: string;
  /** The trace of the `dead-letter.replay` span (the order's, when the dead letter carried its traceparent). */
  traceId: string | null;
}

/** A dead-lettered message, with what its headers say about why and where from, and its replays. */
export interface DeadLetter extends RecordPosition {
  /** The Kafka key: the order id of every message of the system. */
  key: string | null;
  /** The key, else the payload's `orderId`, else the envelope's `aggregateId`. */
  orderId: string | null;
  /** `message-id` header, else the envelope's `id`. */
  messageId: string | null;
  /** `message-type` header, else the envelope's `type`. */
  type: string | null;
  /** `dead-letter-reason`: a parse failure (INVALID_JSON, ...), HEADER_MISMATCH, LAMPORT_TOO_FAR_AHEAD or HANDLER_FAILED. */
  reason: string;
  /** `dead-letter-error`: the error's message. */
  error: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  /** The consumer group that gave up on it. */
  consumerGroup: string | null;
  /** ISO 8601 (`dead-lettered-at`, else the record's timestamp). */
  deadLetteredAt: string;
  /** How often its handler was tried (`dead-letter-attempts`); null when not recorded. */
  attempts: number | null;
  /** The trace it belongs to, from its `traceparent`. */
  traceId: string | null;
  /** Every replay of it, oldest first; empty if it was never replayed. */
  replays: DeadLetterReplay[];
}

/** Headers of a replayed copy that say where it came from, who replayed it and when. */
export const ReplayHeaders = {
  replayedFrom: 'replayed-from',
  replayedBy: 'replayed-by',
  replayedAt: 'replayed-at',
} as const;

const DEAD_LETTER_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DeadLetterHeaders));
const REPLAY_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(ReplayHeaders));

/** `topic/partition@offset`: a record's position in one string, as logs and replay headers show it. */
export const positionLabel = (position: RecordPosition) => `${position.topic}/${position.partition}@${position.offset}`;

/** A header as a string (kafkajs gives Buffers, or arrays of them for a repeated header: the last counts). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
}

/** Every header as a string. */
export function textHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(headers ?? {}).map((name) => [name, headerText(headers, name)]));
}

/** The trace id of a W3C `traceparent`, or null. */
export function traceIdOf(traceparent: string | undefined): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '');
  return match?.[1] ?? null;
}

interface Envelope {
  id?: unknown;
  type?: unknown;
  aggregateId?: unknown;
  payload?: { orderId?: unknown };
}

function envelopeOf(value: Buffer | null): Envelope {
  try {
    const parsed: unknown = JSON.parse(value?.toString() ?? '');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Envelope) : {};
  } catch {
    return {}; // unparseable: the headers and the key are all there is
  }
}

const text = (...candidates: unknown[]): string | null =>
  candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate.length > 0) ?? null;

const integerOrNull = (value: string | undefined): number | null =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) : null;

/** A record of a dead-letter topic as a dead letter (with no replays yet). */
export function readDeadLetter(topic: string, partition: number, message: KafkaMessage): DeadLetter {
  const header = (name: string) => headerText(message.headers, name);
  const envelope = envelopeOf(message.value);
  const key = message.key?.toString() ?? null;
  const recordedAt = new Date(Number(message.timestamp));
  return {
    topic,
    partition,
    offset: message.offset,
    key,
    orderId: text(key, envelope.payload?.orderId, envelope.aggregateId),
    messageId: text(header('message-id'), envelope.id),
    type: text(header('message-type'), envelope.type),
    reason: header(DeadLetterHeaders.reason) ?? '',
    error: text(header(DeadLetterHeaders.error)),
    originalTopic: text(header(DeadLetterHeaders.originalTopic)),
    originalPartition: integerOrNull(header(DeadLetterHeaders.originalPartition)),
    originalOffset: text(header(DeadLetterHeaders.originalOffset)),
    consumerGroup: text(header(DeadLetterHeaders.consumerGroup)),
    deadLetteredAt:
      text(header(DeadLetterHeaders.deadLetteredAt)) ??
      (Number.isNaN(recordedAt.getTime()) ? new Date(0) : recordedAt).toISOString(),
    attempts: integerOrNull(header(DeadLetterHeaders.attempts)),
    traceId: traceIdOf(header('traceparent')),
    replays: [],
  };
}

/**
 * The headers of a dead letter's replayed copy: the original message's own
 * (`message-id`, `message-type`, `correlation-id`, `causation-id`), without
 * what the dead-letter publisher added, with the replay's trace context
 * instead of the original one when there is one, and where the copy came
 * from, who replayed it and when.
 */
export function replayHeaders(
  deadLettered: IHeaders | undefined,
  replay: { from: RecordPosition; by: string; at: Date; trace: TraceHeaders | undefined },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(textHeaders(deadLettered))) {
    if (value !== undefined && !DEAD_LETTER_HEADER_NAMES.has(name) && !REPLAY_HEADER_NAMES.has(name)) {
      headers[name] = value;
    }
  }
  if (replay.trace) {
    delete headers['tracestate'];
    Object.assign(headers, replay.trace);
  }
  headers[ReplayHeaders.replayedFrom] = positionLabel(replay.from);
  headers[ReplayHeaders.replayedBy] = replay.by;
  headers[ReplayHeaders.replayedAt] = replay.at.toISOString();
  return headers;
}

const isPosition = (value: unknown): value is RecordPosition => {
  const candidate = value as Partial<RecordPosition> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.topic === 'string' &&
    Number.isInteger(candidate.partition) &&
    typeof candidate.offset === 'string'
  );
};

/** A record of the replay topic as a replay, or undefined if it is not one. */
export function readReplayRecord(value: Buffer | null): DeadLetterReplay | undefined {
  let parsed: Partial<DeadLetterReplay>;
  try {
    parsed = JSON.parse(value?.toString() ?? '') as Partial<DeadLetterReplay>;
  } catch {
    return undefined;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !isPosition(parsed.deadLetter) ||
    !isPosition(parsed.replayedTo) ||
    typeof parsed.replayedBy !== 'string' ||
    typeof parsed.replayedAt !== 'string'
  ) {
    return undefined;
  }
  return {
    deadLetter: parsed.deadLetter,
    replayedTo: parsed.replayedTo,
    messageId: text(parsed.messageId),
    orderId: text(parsed.orderId),
    replayedBy: parsed.replayedBy,
    replayedAt: parsed.replayedAt,
    traceId: text(parsed.traceId),
  };
}

/** Gives each dead letter its replays, oldest first. */
export function withReplays(letters: DeadLetter[], replays: DeadLetterReplay[]): DeadLetter[] {
  const byDeadLetter = new Map<string, DeadLetterReplay[]>();
  for (const replay of replays) {
    const label = positionLabel(replay.deadLetter);
    byDeadLetter.set(label, [...(byDeadLetter.get(label) ?? []), replay]);
  }
  return letters.map((letter) => ({
    ...letter,
    replays: (byDeadLetter.get(positionLabel(letter)) ?? []).sort((a, b) => a.replayedAt.localeCompare(b.replayedAt)),
  }));
}

/** The dead letters of one reason, if given, newest first, at most `limit`. */
export function selectDeadLetters(letters: DeadLetter[], filter: { reason?: string; limit?: number }): DeadLetter[] {
  const chosen = letters.filter((letter) => filter.reason === undefined || letter.reason === filter.reason);
  chosen.sort(
    (a, b) =>
      b.deadLetteredAt.localeCompare(a.deadLetteredAt) ||
      a.topic.localeCompare(b.topic) ||
      a.partition - b.partition ||
      Number(BigInt(b.offset) - BigInt(a.offset)),
  );
  return filter.limit === undefined ? chosen : chosen.slice(0, Math.max(0, filter.limit));
}
