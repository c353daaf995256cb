import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isMessageType, messageCatalog, type MessageType, type PayloadOf } from './message-catalog.js';

/** The JSON value of every Kafka message. */
export const envelopeSchema = z.strictObject({
  id: z.uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  aggregateId: z.uuid(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  lamport: z.number().int().min(1),
  payload: z.unknown(),
});

export interface MessageEnvelope<Type extends MessageType = MessageType> {
  id: string;
  type: Type;
  schemaVersion: number;
  occurredAt: string;
  source: string;
  /** The order the message is about; also the Kafka key. */
  aggregateId: string;
  /** The saga (orchestration) or order (choreography) the message belongs to. */
  correlationId: string;
  /** The id of the message that caused this one; null for one caused by an HTTP request. */
  causationId: string | null;
  /** The producing service's Lamport clock when it emitted the message. */
  lamport: number;
  payload: PayloadOf<Type>;
}

/** Any valid message, narrowed by its `type`. */
export type AnyMessage = { [Type in MessageType]: MessageEnvelope<Type> }[MessageType];

/** A payload that does not match its type's schema, caught before it is written anywhere. */
export class ContractViolationError extends Error {
  constructor(type: string, issues: string) {
    super(`${type} violates its schema: ${issues}`);
    this.name = 'ContractViolationError';
  }
}

/** Builds a message envelope, validating the payload against its type's schema. */
export function createMessage<Type extends MessageType>(
  type: Type,
  payload: PayloadOf<Type>,
  meta: { source: string; aggregateId: string; correlationId: string; causationId: string | null; lamport: number },
): MessageEnvelope<Type> {
  const entry = messageCatalog[type];
  const checked = entry.schema.safeParse(payload);
  if (!checked.success) {
    throw new ContractViolationError(type, z.prettifyError(checked.error));
  }
  return {
    id: randomUUID(),
    type,
    schemaVersion: entry.schemaVersion,
    occurredAt: new Date().toISOString(),
    ...meta,
    payload: checked.data as PayloadOf<Type>,
  };
}

export type ParseFailureReason =
  'INVALID_JSON' | 'INVALID_ENVELOPE' | 'UNKNOWN_TYPE' | 'UNSUPPORTED_SCHEMA_VERSION' | 'INVALID_PAYLOAD';

export type ParseResult = { ok: true; message: AnyMessage } | { ok: false; reason: ParseFailureReason; detail: string };

/** Parses and validates a Kafka message value; never throws. */
export function parseMessage(value: Buffer | string | null): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString() ?? '');
  } catch (error) {
    return { ok: false, reason: 'INVALID_JSON', detail: error instanceof Error ? error.message : String(error) };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return { ok: false, reason: 'INVALID_ENVELOPE', detail: z.prettifyError(envelope.error) };
  }
  const { type, schemaVersion } = envelope.data;
  if (!isMessageType(type)) {
    return { ok: false, reason: 'UNKNOWN_TYPE', detail: `unknown message type ${type}` };
  }
  const entry = messageCatalog[type];
  if (schemaVersion !== entry.schemaVersion) {
    return {
      ok: false,
      reason: 'UNSUPPORTED_SCHEMA_VERSION',
      detail: `${type} schemaVersion ${schemaVersion}; this service reads version ${entry.schemaVersion}`,
    };
  }
  const payload = entry.schema.safeParse(envelope.data.payload);
  if (!payload.success) {
    return { ok: false, reason: 'INVALID_PAYLOAD', detail: z.prettifyError(payload.error) };
  }
  return { ok: true, message: { ...envelope.data, type, payload: payload.data } as AnyMessage };
}
