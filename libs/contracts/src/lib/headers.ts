import type { MessageEnvelope } from './envelope.js';

/** Kafka header names (README, "Kafka topics and messages"). */
export const MessageHeaders = {
  messageId: 'message-id',
  messageType: 'message-type',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** The W3C trace context a message carries, when there is one. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** The Kafka headers of a message: its identity, its causality and its trace context. */
export function kafkaHeadersOf(envelope: MessageEnvelope, trace?: TraceContext): Record<string, string> {
  const headers: Record<string, string> = {
    [MessageHeaders.messageId]: envelope.id,
    [MessageHeaders.messageType]: envelope.type,
    [MessageHeaders.correlationId]: envelope.correlationId,
  };
  if (envelope.causationId) {
    headers[MessageHeaders.causationId] = envelope.causationId;
  }
  if (trace) {
    headers[MessageHeaders.traceparent] = trace.traceparent;
    if (trace.tracestate) {
      headers[MessageHeaders.tracestate] = trace.tracestate;
    }
  }
  return headers;
}
