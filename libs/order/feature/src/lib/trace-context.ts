import { randomBytes } from 'node:crypto';
import type { TraceContext } from '@dtx/contracts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C trace context of a new order: continues the caller's trace when
 * the request carries a valid `traceparent`, otherwise starts one.
 */
export function traceContextForRequest(traceparent: string | undefined): TraceContext & { traceId: string } {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  const traceId = match?.[1] && !/^0+$/.test(match[1]) ? match[1] : randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}
