import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ModeResult } from '../results.js';

export interface Chart {
  fileName: string;
  title: string;
  svg: string;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const COLOR_OF_MODE: Record<string, string> = { choreography: '#1f77b4', orchestration: '#ff7f0e', '2pc': '#2ca02c' };

/** The same colour for a mode in every chart, and a legend of only the modes that ran. */
const modeColors = (modes: readonly ModeResult[]) => ({
  domain: modes.map((mode) => mode.mode),
  range: modes.map((mode) => COLOR_OF_MODE[mode.mode] ?? '#888'),
});

/** Renders a Vega-Lite spec to SVG in Node, headless (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** p99 against the offered rate for every step of every mode's search, with the 1 s pass line. */
function maxRateSpec(modes: readonly ModeResult[], passP99Ms: number): TopLevelSpec {
  const values = modes.flatMap((mode) =>
    mode.maxRate.status !== 'measured'
      ? []
      : mode.maxRate.steps
          .filter((step) => step.latencyMs.p99 !== null)
          .map((step) => ({
            mode: mode.mode,
            offeredRate: step.offeredRate,
            p99: Math.max(0.1, step.latencyMs.p99 ?? 0),
            step: step.passed ? 'passed' : 'failed',
          })),
  );
  return {
    $schema: SCHEMA,
    title: {
      text: 'Maximum-rate search: p99 from scheduled send to final state',
      subtitle: `a step passes below ${passP99Ms} ms (dashed), with no errors`,
    },
    width: 560,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'offeredRate', type: 'quantitative', title: 'offered rate (orders/s)' },
          y: { field: 'p99', type: 'quantitative', title: 'p99 latency (ms, log scale)', scale: { type: 'log' } },
          color: { field: 'mode', type: 'nominal', scale: modeColors(modes) },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'offeredRate', type: 'quantitative' },
          y: { field: 'p99', type: 'quantitative', scale: { type: 'log' } },
          color: { field: 'mode', type: 'nominal', scale: modeColors(modes) },
          shape: {
            field: 'step',
            type: 'nominal',
            scale: { domain: ['passed', 'failed'], range: ['circle', 'cross'] },
          },
        },
      },
      {
        data: { values: [{ bound: passP99Ms }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 'bound', type: 'quantitative' } },
      },
    ],
  };
}

/** p50 … p99.9 at half of each mode's maximum rate, with the p99 target. */
function halfLoadSpec(modes: readonly ModeResult[], targetMs: number): TopLevelSpec {
  const order = ['p50', 'p95', 'p99', 'p99.9'];
  const values = modes.flatMap((mode) => {
    if (mode.halfLoad.status !== 'measured') {
      return [];
    }
    const latency = mode.halfLoad.step.latencyMs;
    return [
      { percentile: 'p50', ms: latency.p50 },
      { percentile: 'p95', ms: latency.p95 },
      { percentile: 'p99', ms: latency.p99 },
      { percentile: 'p99.9', ms: latency.p999 },
    ]
      .filter((point) => point.ms !== null)
      .map((point) => ({ ...point, mode: mode.mode }));
  });
  const rates = modes
    .map((mode) =>
      mode.halfLoad.status === 'measured' ? `${mode.mode} at ${mode.halfLoad.step.offeredRate}/s` : undefined,
    )
    .filter((text) => text !== undefined);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Latency at half of each mode’s maximum rate',
      subtitle: [`scheduled send to final state; dashed: the saga target, p99 under ${targetMs} ms`, rates.join(', ')],
    },
    width: 560,
    height: 300,
    layer: [
      {
        data: { values },
        mark: 'bar',
        encoding: {
          x: { field: 'percentile', type: 'nominal', sort: order, title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'mode', type: 'nominal' },
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
          color: { field: 'mode', type: 'nominal', scale: modeColors(modes) },
          tooltip: [{ field: 'mode' }, { field: 'percentile' }, { field: 'ms' }],
        },
      },
      {
        data: { values: [{ target: targetMs }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 'target', type: 'quantitative' } },
      },
    ],
  };
}

/** p99 of each scenario per mode, side by side. */
function scenariosSpec(modes: readonly ModeResult[]): TopLevelSpec {
  const values = modes.flatMap((mode) => {
    const points: { scenario: string; p99: number | null }[] = [];
    if (mode.halfLoad.status === 'measured')
      points.push({ scenario: 'half load', p99: mode.halfLoad.step.latencyMs.p99 });
    if (mode.hotSku.status === 'measured') points.push({ scenario: 'hot SKU', p99: mode.hotSku.step.latencyMs.p99 });
    if (mode.declines.status === 'measured') {
      points.push({ scenario: 'declines: confirmed', p99: mode.declines.step.confirmedLatencyMs.p99 });
      points.push({ scenario: 'declines: cancelled', p99: mode.declines.step.cancelledLatencyMs.p99 });
    }
    if (mode.paymentPause.status === 'measured')
      points.push({ scenario: 'payment paused', p99: mode.paymentPause.latencyMs.p99 });
    if (mode.coordinatorCrash.status === 'measured')
      points.push({ scenario: 'coordinator killed', p99: mode.coordinatorCrash.latencyMs.p99 });
    return points
      .filter((point) => point.p99 !== null)
      .map((point) => ({ ...point, p99: Math.max(0.1, point.p99 ?? 0), mode: mode.mode }));
  });
  return {
    $schema: SCHEMA,
    title: {
      text: 'p99 per scenario (at half of each mode’s maximum rate)',
      subtitle: 'scheduled send to final state',
    },
    width: 560,
    height: 300,
    data: { values },
    mark: { type: 'point', filled: true, size: 90 },
    encoding: {
      x: {
        field: 'scenario',
        type: 'nominal',
        sort: [
          'half load',
          'hot SKU',
          'declines: confirmed',
          'declines: cancelled',
          'payment paused',
          'coordinator killed',
        ],
        title: null,
        axis: { labelAngle: -20 },
      },
      y: { field: 'p99', type: 'quantitative', title: 'p99 latency (ms, log scale)', scale: { type: 'log' } },
      color: { field: 'mode', type: 'nominal', scale: modeColors(modes) },
      shape: { field: 'mode', type: 'nominal' },
    },
  };
}

/** The report's charts, as SVG. */
export async function renderCharts(
  modes: readonly ModeResult[],
  options: { passP99Ms: number; targetP99Ms: number },
): Promise<Chart[]> {
  return [
    {
      fileName: 'max-rate-search.svg',
      title: 'Maximum-rate search',
      svg: await renderSvg(maxRateSpec(modes, options.passP99Ms)),
    },
    {
      fileName: 'half-load-latency.svg',
      title: 'Latency at half load',
      svg: await renderSvg(halfLoadSpec(modes, options.targetP99Ms)),
    },
    { fileName: 'scenario-p99.svg', title: 'p99 per scenario', svg: await renderSvg(scenariosSpec(modes)) },
  ];
}
