import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

const quietPaths = ['/health/', '/metrics'];

/** HTTP (server and client) and PostgreSQL spans; probes and scrapes are not traced. */
export function tracedLibraries(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => quietPaths.some((path) => request.url?.startsWith(path) ?? false),
    }),
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}
