import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JaegerSpan, JaegerTrace } from './jaeger-trace.js';
import { layOutWaterfall, orderIdOfTrace } from './waterfall.js';

const span = (id: string, parent: string | null, process: string, startMs: number, durationMs: number, tags = {}) =>
  ({
    traceID: 't1',
    spanID: id,
    operationName: `op ${id}`,
    references: parent ? [{ refType: 'CHILD_OF', traceID: 't1', spanID: parent }] : [],
    startTime: 1_000_000_000 + startMs * 1000,
    duration: durationMs * 1000,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    processID: process,
  }) satisfies JaegerSpan;

const trace: JaegerTrace = {
  traceID: 't1',
  processes: { p1: { serviceName: 'order' }, p2: { serviceName: 'inventory' }, p3: { serviceName: 'orchestrator' } },
  spans: [
    span('c', 'b', 'p2', 40, 10, { 'saga.compensation': true, 'order.id': 'order-1' }),
    span('a', null, 'p1', 0, 100),
    span('b', 'a', 'p3', 20, 50, { error: true }),
    span('d', 'a', 'p1', 10, 0.001),
    span('orphan', 'gone', 'p2', 90, 10),
  ],
};

describe('layOutWaterfall', () => {
  const waterfall = layOutWaterfall(trace);

  it('groups the rows by service, services in the order their first span started', () => {
    assert.deepEqual(
      waterfall.groups.map((group) => [group.service, group.rows.map((row) => row.spanId)]),
      [
        ['order', ['a', 'd']],
        ['orchestrator', ['b']],
        ['inventory', ['c', 'orphan']],
      ],
    );
  });

  it('places each bar on one time axis and gives a tiny span a visible width', () => {
    const rows = new Map(waterfall.groups.flatMap((group) => group.rows).map((row) => [row.spanId, row]));
    assert.equal(waterfall.durationMs, 100);
    assert.deepEqual([rows.get('b')?.offsetPercent, rows.get('b')?.widthPercent], [20, 50]);
    assert.equal(rows.get('d')?.widthPercent, 0.3);
    assert.deepEqual([rows.get('a')?.depth, rows.get('b')?.depth, rows.get('c')?.depth], [0, 1, 2]);
    assert.equal(rows.get('orphan')?.parentSpanId, null, 'a span whose parent is missing is a root');
  });

  it('marks compensations and errors, and keeps every attribute', () => {
    const rows = waterfall.groups.flatMap((group) => group.rows);
    assert.deepEqual(
      rows.filter((row) => row.compensation).map((row) => row.spanId),
      ['c'],
    );
    assert.deepEqual(
      rows.filter((row) => row.error).map((row) => row.spanId),
      ['b'],
    );
    assert.deepEqual(rows.find((row) => row.spanId === 'c')?.attributes, [
      ['order.id', 'order-1'],
      ['saga.compensation', 'true'],
    ]);
    assert.equal(waterfall.compensations, 1);
    assert.equal(waterfall.errors, 1);
  });

  it('finds the order a trace is about', () => {
    assert.equal(orderIdOfTrace(trace), 'order-1');
  });
});
