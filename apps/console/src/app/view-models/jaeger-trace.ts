/** A trace as Jaeger's query API answers it (`GET /api/traces/<traceId>` → `{ data: [trace] }`). */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerTag[] }>;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: JaegerTag[];
  processID: string;
  warnings?: string[] | null;
}

export interface JaegerTag {
  key: string;
  type?: string;
  value: unknown;
}
