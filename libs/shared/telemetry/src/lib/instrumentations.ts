import type { IncomingMessage, RequestOptions } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

const quietPaths = ['/health/', '/metrics'];

/**
 * The two-phase-commit protocol's requests, the order service's POST
 * /transactions to the coordinator and the coordinator's calls to the
 * participants' /2pc routes: both ends make their own spans (`2pc
 * transaction`, `2pc prepare inventory`, `2pc vote`, ...) and carry the
 * trace context themselves, so an HTTP span around each of the seven
 * requests of a transaction would only repeat them, at a cost.
 */
function isTwoPhaseProtocol(method: string | undefined, path: string | null | undefined): boolean {
  return (path?.startsWith('/2pc/') ?? false) || (method === 'POST' && path === '/transactions');
}

/** Incoming requests that get no HTTP span (and run with tracing suppressed unless they restore a context). */
export function untracedIncoming(request: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  return (
    quietPaths.some((path) => request.url?.startsWith(path) ?? false) || isTwoPhaseProtocol(request.method, request.url)
  );
}

/** Outgoing requests that get no HTTP span: their caller made one. */
export function untracedOutgoing(request: Pick<RequestOptions, 'method' | 'path'>): boolean {
  return isTwoPhaseProtocol(request.method, request.path);
}

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
      ignoreIncomingRequestHook: untracedIncoming,
      ignoreOutgoingRequestHook: untracedOutgoing,
    }),
    ...(environment['OTEL_TRACE_SQL'] === 'true' ? [new PgInstrumentation({ requireParentSpan: true })] : []),
  ];
}
