import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { orderModeSchema, type OrderMode } from '@dtx/contracts';
import {
  fullConfig,
  OPTIONAL_SCENARIOS,
  smokeConfig,
  type BenchConfig,
  type OptionalScenario,
} from './bench-config.js';

const ORDER_MODES: readonly OrderMode[] = orderModeSchema.options;

export const USAGE = `npm run bench -- [options]

Compares choreography, orchestration and 2PC on the real services with an
open-loop load generator; writes results.json, report.md and SVG charts.

  --seed <text>           seeds customer, SKU and decline choices (default 1)
  --modes <list>          comma-separated: choreography,orchestration,2pc (default all three)
  --step-seconds <n>      duration of each step of the maximum-rate search (default 30; smoke 1)
  --rates <list>          offered rates to step through, orders/s (default 10,25,50,100,...,2000; smoke 5,10,20)
  --refine <n>            bisection steps after the first failing rate (default 2; smoke 0)
  --pause-seconds <n>     how long payment is stopped (default 10; smoke 2)
  --outage-seconds <n>    how long the coordinator stays down (default 10; smoke 2)
  --skip <list>           scenarios not to run: console,hot-sku,declines,payment-pause,coordinator-crash
  --system <how>          per-mode: fresh services and databases for each mode (default);
                          shared: one system for every mode (default with --smoke)
  --smoke                 a tiny configuration that finishes in seconds per mode
  --out <folder>          where to write (default results/bench/<timestamp>)
  --help                  this text
`;

function positiveNumber(
  name: string,
  text: string | undefined,
  options: { integer?: boolean; max: number },
): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > options.max || (options.integer && !Number.isInteger(value))) {
    throw new Error(
      `--${name} must be a ${options.integer ? 'whole ' : ''}number above 0 and at most ${options.max}, not "${text}"`,
    );
  }
  return value;
}

function modesOf(text: string | undefined): OrderMode[] {
  if (text === undefined) {
    return [...ORDER_MODES];
  }
  const modes = text
    .split(',')
    .map((mode) => mode.trim())
    .filter(Boolean);
  const unknown = modes.filter((mode) => !ORDER_MODES.includes(mode as OrderMode));
  if (modes.length === 0 || unknown.length > 0) {
    throw new Error(
      `--modes takes a comma-separated list of ${ORDER_MODES.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`,
    );
  }
  return [...new Set(modes as OrderMode[])];
}

function ratesOf(text: string | undefined): number[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  const rates = text.split(',').map((rate) => positiveNumber('rates', rate.trim(), { max: 20_000 }) ?? 0);
  if (rates.some((rate, index) => index > 0 && rate <= (rates[index - 1] ?? 0))) {
    throw new Error('--rates must be increasing');
  }
  return rates;
}

function scenariosOf(text: string | undefined): OptionalScenario[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(OPTIONAL_SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `--skip takes a comma-separated list of ${OPTIONAL_SCENARIOS.join(', ')}; unknown: ${unknown.join(', ')}`,
    );
  }
  return names as OptionalScenario[];
}

/** The configuration from the command line, or `help` when --help was asked for. */
export function parseCommandLine(args: string[], now: Date = new Date()): BenchConfig | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      seed: { type: 'string', default: '1' },
      modes: { type: 'string' },
      'step-seconds': { type: 'string' },
      rates: { type: 'string' },
      refine: { type: 'string' },
      'pause-seconds': { type: 'string' },
      'outage-seconds': { type: 'string' },
      system: { type: 'string' },
      skip: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    return 'help';
  }
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const overrides: Partial<BenchConfig> & Pick<BenchConfig, 'seed' | 'modes' | 'outDir'> = {
    seed: values.seed ?? '1',
    modes: modesOf(values.modes),
    outDir: values.out ?? join('results', 'bench', stamp),
  };
  const optional: Partial<BenchConfig> = {
    stepSeconds: positiveNumber('step-seconds', values['step-seconds'], { max: 600 }),
    rateLadder: ratesOf(values.rates),
    refineSteps:
      values.refine === undefined
        ? undefined
        : values.refine === '0'
          ? 0
          : positiveNumber('refine', values.refine, { integer: true, max: 10 }),
    pauseSeconds: positiveNumber('pause-seconds', values['pause-seconds'], { max: 120 }),
    outageSeconds: positiveNumber('outage-seconds', values['outage-seconds'], { max: 120 }),
    skip: scenariosOf(values.skip),
  };
  if (values.system !== undefined) {
    if (values.system !== 'per-mode' && values.system !== 'shared') {
      throw new Error(`--system is per-mode or shared, not "${values.system}"`);
    }
    optional.systemPerMode = values.system === 'per-mode';
  }
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) {
      Object.assign(overrides, { [key]: value });
    }
  }
  return values.smoke ? smokeConfig(overrides) : fullConfig(overrides);
}
