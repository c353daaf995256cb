/** What npm start writes to JAEGER_STATUS_FILE while it builds Jaeger in the background. */
export interface JaegerBuildStatus {
  state: 'building' | 'ready' | 'failed';
  startedAt?: string;
  expectedSeconds?: number;
}

/**
 * "building Jaeger, ready in about N minutes" when the status file says it is
 * being built (N at least 1, counted from when the build started and how long
 * it is expected to take); undefined when it is not, or the file says nothing
 * readable.
 */
export function jaegerBuildingNotice(fileText: string | undefined, nowMs = Date.now()): string | undefined {
  if (!fileText) {
    return undefined;
  }
  let status: Partial<JaegerBuildStatus>;
  try {
    status = JSON.parse(fileText) as Partial<JaegerBuildStatus>;
  } catch {
    return undefined;
  }
  if (status.state !== 'building') {
    return undefined;
  }
  const startedAtMs = status.startedAt ? Date.parse(status.startedAt) : Number.NaN;
  const expected = typeof status.expectedSeconds === 'number' ? status.expectedSeconds : Number.NaN;
  if (!Number.isFinite(startedAtMs) || !Number.isFinite(expected)) {
    return 'traces: building Jaeger, ready in a few minutes';
  }
  const minutes = Math.max(1, Math.ceil((startedAtMs + expected * 1000 - nowMs) / 60_000));
  return `traces: building Jaeger, ready in about ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
