import type { JaegerSpan, JaegerTrace } from './jaeger-trace.js';

/** One span as a row of the waterfall. */
export interface WaterfallRow {
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  /** How many ancestors the span has in the trace (indentation within its service). */
  depth: number;
  /** From the trace's first span, in milliseconds. */
  startMs: number;
  durationMs: number;
  /** Where the bar starts and how wide it is, in percent of the trace's length. */
  offsetPercent: number;
  widthPercent: number;
  /** A saga compensation (`saga.compensation=true`). */
  compensation: boolean;
  /** Status error (`error=true` or `otel.status_code=ERROR`). */
  error: boolean;
  /** Every tag, sorted by name, its value as text. */
  attributes: [string, string][];
}

export interface WaterfallGroup {
  service: string;
  rows: WaterfallRow[];
}

export interface Waterfall {
  traceId: string;
  startedAt: string;
  durationMs: number;
  spanCount: number;
  /** Services in the order their first span started; each group's rows in trace order (parents before children, then by start). */
  groups: WaterfallGroup[];
  compensations: number;
  errors: number;
}

/** The narrowest bar drawn, so that a span of a few microseconds in a long trace can still be seen and clicked. */
const MIN_WIDTH_PERCENT = 0.3;

const tagValue = (span: JaegerSpan, key: string) => span.tags?.find((tag) => tag.key === key)?.value;

const isCompensation = (span: JaegerSpan) => {
  const value = tagValue(span, 'saga.compensation');
  return value === true || value === 'true';
};

const isError = (span: JaegerSpan) => {
  const error = tagValue(span, 'error');
  return error === true || error === 'true' || tagValue(span, 'otel.status_code') === 'ERROR';
};

const parentOf = (span: JaegerSpan, known: ReadonlySet<string>) => {
  const parent = span.references?.find((reference) => reference.refType === 'CHILD_OF' && known.has(reference.spanID));
  return parent?.spanID ?? null;
};

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Lays a Jaeger trace out as a waterfall: one row per span on one time axis,
 * grouped by service; compensations and errors marked. A span whose parent is
 * not in the trace (not exported yet, or lost) is a root.
 */
export function layOutWaterfall(trace: JaegerTrace): Waterfall {
  const spans = [...trace.spans].sort((left, right) => left.startTime - right.startTime);
  const ids = new Set(spans.map((span) => span.spanID));
  const start = spans[0]?.startTime ?? 0;
  const end = Math.max(start, ...spans.map((span) => span.startTime + span.duration));
  const total = Math.max(end - start, 1);

  const children = new Map<string | null, JaegerSpan[]>();
  for (const span of spans) {
    const parent = parentOf(span, ids);
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered: { span: JaegerSpan; depth: number }[] = [];
  const visit = (span: JaegerSpan, depth: number) => {
    ordered.push({ span, depth });
    for (const child of children.get(span.spanID) ?? []) {
      visit(child, depth + 1);
    }
  };
  for (const root of children.get(null) ?? []) {
    visit(root, 0);
  }

  const groups = new Map<string, WaterfallRow[]>();
  for (const service of spans.map((span) => serviceOf(trace, span))) {
    if (!groups.has(service)) {
      groups.set(service, []);
    }
  }
  for (const { span, depth } of ordered) {
    const offset = ((span.startTime - start) / total) * 100;
    const row: WaterfallRow = {
      spanId: span.spanID,
      parentSpanId: parentOf(span, ids),
      service: serviceOf(trace, span),
      name: span.operationName,
      depth,
      startMs: round((span.startTime - start) / 1000),
      durationMs: round(span.duration / 1000),
      offsetPercent: round(Math.min(offset, 100 - MIN_WIDTH_PERCENT)),
      widthPercent: round(Math.max((span.duration / total) * 100, MIN_WIDTH_PERCENT)),
      compensation: isCompensation(span),
      error: isError(span),
      attributes: (span.tags ?? [])
        .map((tag): [string, string] => [
          tag.key,
          typeof tag.value === 'string' ? tag.value : JSON.stringify(tag.value),
        ])
        .sort(([left], [right]) => left.localeCompare(right)),
    };
    groups.get(row.service)?.push(row);
  }
  const rows = [...groups.values()].flat();
  return {
    traceId: trace.traceID,
    startedAt: new Date(start / 1000).toISOString(),
    durationMs: round(total / 1000),
    spanCount: rows.length,
    groups: [...groups].map(([service, serviceRows]) => ({ service, rows: serviceRows })),
    compensations: rows.filter((row) => row.compensation).length,
    errors: rows.filter((row) => row.error).length,
  };
}

function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? span.processID;
}

/** The order a trace is about: the first `order.id` attribute of its spans. */
export function orderIdOfTrace(trace: JaegerTrace): string | undefined {
  for (const span of trace.spans) {
    const value = tagValue(span, 'order.id');
    if (typeof value === 'string') {
      return value;
    }
  }
  return undefined;
}
