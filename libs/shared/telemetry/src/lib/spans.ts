import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

const tracer = () => trace.getTracer('dtx');

/** W3C trace context headers as stored with outbox rows and sent with Kafka messages. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

/**
 * Runs `work` in a new span, child of the active span or of `parent`. An
 * exception sets the span's status to error and is recorded, then rethrown.
 */
export async function withSpan<Result>(
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind; parent?: Context },
  work: (span: Span) => Promise<Result>,
): Promise<Result> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        markFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Records an exception on a span and sets its status to error. */
export function markFailed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Starts a span that the caller ends (for spans that outlive one callback). */
export function startSpan(name: string, options: { attributes?: Attributes; kind?: SpanKind; parent?: Context }): Span {
  return tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    options.parent ?? context.active(),
  );
}

/** Runs `work` while `spans` are open (one per message of a batch, say): if it throws, each is marked failed; then all are ended. */
export async function closingSpans<Result>(spans: readonly Span[], work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    for (const span of spans) {
      markFailed(span, error);
    }
    throw error;
  } finally {
    for (const span of spans) {
      span.end();
    }
  }
}

/** Runs `work` with `span` active, so that spans it starts are its children; the caller ends `span`. */
export function withActiveSpan<Result>(span: Span, work: () => Result): Result {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** The active span's trace context as headers, or undefined when nothing is being traced. */
export function activeTraceHeaders(active: Context = context.active()): TraceHeaders | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  const traceparent = carrier['traceparent'];
  if (!traceparent) {
    return undefined;
  }
  return carrier['tracestate'] ? { traceparent, tracestate: carrier['tracestate'] } : { traceparent };
}

/** The trace context of `span` as headers, to send with a message it produces. */
export function traceHeadersOf(span: Span): TraceHeaders | undefined {
  return activeTraceHeaders(trace.setSpan(context.active(), span));
}

/** The trace context carried by message headers (or none). */
export function contextFromHeaders(headers: Record<string, string | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** The id of the active trace, if any. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

export { SpanKind, type Attributes, type Context, type Span };
