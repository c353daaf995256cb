import {
  createMessage,
  kafkaHeadersOf,
  messageCatalog,
  type MessageEnvelope,
  type MessageType,
  type PayloadOf,
  type TraceContext,
} from '@dtx/contracts';
import { activeTraceHeaders } from '@dtx/telemetry';
import { tickLamportClock } from './lamport-clock.js';
import type { SqlTransaction } from '@dtx/sql';

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
}

/** Writes messages to the outbox table inside the caller's transaction. */
export class Outbox {
  constructor(private readonly options: OutboxOptions) {}

  get notifyChannel(): string {
    return this.options.notifyChannel;
  }

  topicOf(type: MessageType): string {
    return `${this.options.topicPrefix ?? ''}${messageCatalog[type].topic}`;
  }

  /** Stamps, validates and stores messages; they reach Kafka only if `tx` commits. */
  emit(tx: SqlTransaction, messages: OutgoingMessage[], causation: Causation): Promise<MessageEnvelope[]> {
    return this.emitAll(tx, [{ messages, causation }]);
  }

  /**
   * Stores what several causes emit (a batch of handled messages), in their
   * order, with one clock tick and one insert for all of them. Each message's
   * Lamport time is above its own cause's, since the clock first moves past
   * the latest cause of the batch.
   */
  async emitAll(tx: SqlTransaction, emissions: readonly Emission[]): Promise<MessageEnvelope[]> {
    const count = emissions.reduce((sum, emission) => sum + emission.messages.length, 0);
    if (count === 0) {
      return [];
    }
    const latestCause = Math.max(...emissions.map(({ causation }) => causation.cause?.lamport ?? 0));
    let stamp = await tickLamportClock(tx, latestCause, count);
    const rows = emissions.flatMap(({ messages, causation }) => {
      const trace = causation.trace ?? activeTraceHeaders();
      return messages.map((message) => {
        const envelope = createMessage(message.type, message.payload, {
          source: this.options.source,
          aggregateId: causation.aggregateId,
          correlationId: message.correlationId ?? causation.correlationId,
          causationId: causation.cause?.id ?? null,
          lamport: stamp++,
        });
        return { envelope, headers: kafkaHeadersOf(envelope, message.trace ?? trace) };
      });
    });
    // One round trip for every row and the wake-up call: each statement costs a network
    // round trip and its system calls, the dominant cost of handling a message here.
    // The notification is delivered to listeners only when the transaction commits.
    await tx.execute(
      `WITH stored AS (
         INSERT INTO outbox_messages (id, topic, message_key, message_type, headers, value)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
         RETURNING 1)
       SELECT pg_notify($7, '') FROM (SELECT count(*) FROM stored) AS written`,
      rows.map(({ envelope }) => envelope.id),
      rows.map(({ envelope }) => this.topicOf(envelope.type)),
      rows.map(({ envelope }) => envelope.aggregateId),
      rows.map(({ envelope }) => envelope.type),
      rows.map(({ headers }) => JSON.stringify(headers)),
      rows.map(({ envelope }) => JSON.stringify(envelope)),
      this.options.notifyChannel,
    );
    return rows.map(({ envelope }) => envelope);
  }
}
