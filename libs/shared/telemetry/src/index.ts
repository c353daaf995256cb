export { shutdownTelemetry, startTelemetry } from './lib/sdk.js';
export {
  activeTraceHeaders,
  activeTraceId,
  closingSpans,
  contextFromHeaders,
  markFailed,
  SpanKind,
  startSpan,
  traceHeadersOf,
  withActiveSpan,
  withSpan,
  type Attributes,
  type Context,
  type Span,
  type TraceHeaders,
} from './lib/spans.js';
