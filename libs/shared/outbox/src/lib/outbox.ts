import {
  createMessage,
  kafkaHeadersOf,
  topicOfMessage,
  type MessageEnvelope,
  type MessageType,
  type PayloadOf,
  type TraceContext,
} from '@dtx/contracts';
import { activeTraceHeaders } from '@dtx/telemetry';
import type { SqlTransaction } from '@dtx/sql';
import { ANNOUNCEMENT_SQL, MAX_ANNOUNCEMENT_BYTES } from './announcement.js';

/** A message a handler or a command wants to emit; the outbox adds identity, causality and time. */
export interface OutgoingMessage<Type extends MessageType = MessageType> {
  type: Type;
  payload: PayloadOf<Type>;
  /** Overrides the causation's correlation id, e.g. a saga's commands carry the saga id. */
  correlationId?: string;
  /** Overrides the trace context, e.g. each saga command carries the span of its own step. */
  trace?: TraceContext;
}

/** Names an outgoing message with a checked payload type. */
export function outgoing<Type extends MessageType>(type: Type, payload: PayloadOf<Type>): OutgoingMessage<Type> {
  return { type, payload };
}

/** Why the messages are emitted: the order they are about and what caused them. */
export interface Causation {
  aggregateId: string;
  correlationId: string;
  /** The message that caused these, if any. */
  cause?: Pick<MessageEnvelope, 'id' | 'lamport'>;
  /** The trace to continue; by default the active span's, as the relay publishes inside it. */
  trace?: TraceContext;
}

/** The Lamport time a message carries until the statement that stores it stamps it. */
const UNSTAMPED = 0;

/** The messages one cause emits, and why. */
export interface Emission {
  messages: OutgoingMessage[];
  causation: Causation;
}

export interface OutboxOptions {
  /** The emitting service, written as `source` on every message. */
  source: string;
  /** Prepended to every topic name, so that test suites can share one broker. */
  topicPrefix?: string;
  /** The LISTEN/NOTIFY channel the relay waits on. */
  notifyChannel: string;
  /** Longer announcements are replaced by an empty one, and the relay reads the row from the table (default and most: 7,900). */
  maxAnnouncementBytes?: number;
}

/** Writes messages to the outbox table inside the caller's transaction. */
export class Outbox {
  constructor(private readonly options: OutboxOptions) {}

  get notifyChannel(): string {
    return this.options.notifyChannel;
  }

  /** The (prefixed) topic a message travels on: its type's, or its flow's for a type with a topic per flow. */
  topicOf(envelope: MessageEnvelope): string {
    return `${this.options.topicPrefix ?? ''}${topicOfMessage(envelope.type, envelope.payload)}`;
  }

  /** Stamps, validates and stores messages; they reach Kafka only if `tx` commits. */
  emit(tx: SqlTransaction, messages: OutgoingMessage[], causation: Causation): Promise<MessageEnvelope[]> {
    return this.emitAll(tx, [{ messages, causation }]);
  }

  /**
   * Stores what several causes emit (a batch of handled messages), in their
   * order, stamped with this service's Lamport clock, in one statement.
   *
   * The clock is one row in the service's own database, advanced in the same
   * transaction as the messages, so it never goes backwards across restarts:
   * past the latest cause of the batch, by one per message, so each message's
   * time is above its own cause's. Its row lock serialises emitters; it is
   * taken last in the transaction, so it is held briefly.
   */
  async emitAll(tx: SqlTransaction, emissions: readonly Emission[]): Promise<MessageEnvelope[]> {
    const latestCause = Math.max(0, ...emissions.map(({ causation }) => causation.cause?.lamport ?? 0));
    const rows = emissions.flatMap(({ messages, causation }) => {
      const trace = causation.trace ?? activeTraceHeaders();
      return messages.map((message) => {
        const envelope = createMessage(message.type, message.payload, {
          source: this.options.source,
          aggregateId: causation.aggregateId,
          correlationId: message.correlationId ?? causation.correlationId,
          causationId: causation.cause?.id ?? null,
          lamport: UNSTAMPED,
        });
        return { envelope, headers: kafkaHeadersOf(envelope, message.trace ?? trace) };
      });
    });
    if (rows.length === 0) {
      return [];
    }
    // One round trip for the clock, every row and its announcement: each statement costs a
    // network round trip and its system calls, the dominant cost of handling a message here.
    // Each row is announced by a notification that carries it, so the relay publishes it
    // without reading the table; notifications reach listeners only when, and in the order,
    // their transactions commit. Without the clock's row the stamp is null and the value
    // column refuses the row: the statement fails, and the transaction with it, even when
    // it carries the transaction's COMMIT (the check below would come too late for that).
    const [clock] = await tx.query<{ before: string }>(
      `WITH clock AS (
         UPDATE lamport_clock SET value = GREATEST(value, $7::bigint) + cardinality($1::uuid[])
          WHERE id = 1
          RETURNING value - cardinality($1::uuid[]) AS before),
       stored AS (
         INSERT INTO outbox_messages (id, topic, message_key, message_type, headers, value)
         SELECT message.id, message.topic, message.key, message.type, message.headers,
                jsonb_set(message.envelope, '{lamport}', to_jsonb(clock.before + message.position))::text
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
                WITH ORDINALITY AS message(id, topic, key, type, headers, envelope, position)
                LEFT JOIN clock ON true
          ORDER BY message.position
         RETURNING id, sequence, topic, message_key, headers, value, created_at),
       announced AS (
         SELECT count(pg_notify($8, CASE WHEN octet_length(announcement) < $9 THEN announcement ELSE '' END)) AS rows
           FROM (SELECT ${ANNOUNCEMENT_SQL} AS announcement FROM stored ORDER BY sequence) AS announcements)
       SELECT clock.before FROM clock, announced`,
      rows.map(({ envelope }) => envelope.id),
      rows.map(({ envelope }) => this.topicOf(envelope)),
      rows.map(({ envelope }) => envelope.aggregateId),
      rows.map(({ envelope }) => envelope.type),
      rows.map(({ headers }) => JSON.stringify(headers)),
      rows.map(({ envelope }) => JSON.stringify(envelope)),
      latestCause,
      this.options.notifyChannel,
      Math.min(this.options.maxAnnouncementBytes ?? MAX_ANNOUNCEMENT_BYTES, MAX_ANNOUNCEMENT_BYTES),
    );
    if (clock === undefined) {
      throw new Error('lamport_clock has no row; were the outbox migrations (libs/shared/outbox/migrations) applied?');
    }
    return rows.map(({ envelope }, index) => ({ ...envelope, lamport: Number(clock.before) + index + 1 }));
  }
}
