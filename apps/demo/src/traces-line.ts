import { jaegerBuildSentence, type JaegerBuildStatus } from '@dtx/telemetry/jaeger-status';

/** What the demo knows about the trace store when its orders are done. */
export interface TraceStore {
  /** Jaeger's query API, e.g. http://127.0.0.1:16686; undefined when the demo was not told of one. */
  url: string | undefined;
  /** Whether the query API answered. */
  answering: boolean;
  /** The local build's status (JAEGER_STATUS_FILE), if any. */
  build: JaegerBuildStatus | undefined;
}

/**
 * Where the demo's traces can be read, or why they cannot be yet: while the
 * local Jaeger builds, the orders' spans are exported to nothing and lost.
 */
export function tracesLine(store: TraceStore, traceId: string | undefined, now: Date): string | undefined {
  if (store.answering && store.url) {
    return `Traces: ${store.url}/api/traces/${traceId ?? '<traceId>'} (any trace id above)`;
  }
  const building = jaegerBuildSentence(store.build, now);
  if (store.build?.state === 'building' && building) {
    return `Traces are not available yet (${building}); the traces of these orders are not kept`;
  }
  if (building) {
    return `Traces are not available (${building})`;
  }
  return store.url ? `Traces are not available: Jaeger does not answer at ${store.url}` : undefined;
}
