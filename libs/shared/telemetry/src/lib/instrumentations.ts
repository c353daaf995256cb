import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

const quietPaths = ['/health/', '/metrics'];

/**
 * HTTP (server and client) spans, and PostgreSQL spans only when asked for
 * (`OTEL_TRACE_SQL=true`): a span per statement costs more CPU than the
 * statement's own round trip on the message path, and the saga, step,
 * message and HTTP spans already show where an order's time goes.
 * Probes and scrapes are not traced.
 */
export function tracedLibraries(environment: NodeJS.ProcessEnv = process.env): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => quietPaths.some((path) => request.url?.startsWith(path) ?? false),
    }),
    ...(environment['OTEL_TRACE_SQL'] === 'true' ? [new PgInstrumentation({ requireParentSpan: true })] : []),
  ];
}
