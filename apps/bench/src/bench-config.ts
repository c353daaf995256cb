import type { OrderMode } from '@dtx/contracts';
import type { CatalogShape } from './workload.js';

/** The scenarios after the maximum rate and the half-load step, each of which a run may skip. */
export const OPTIONAL_SCENARIOS = ['console', 'hot-sku', 'declines', 'payment-pause', 'coordinator-crash'] as const;
export type OptionalScenario = (typeof OPTIONAL_SCENARIOS)[number];

/** Everything that shapes a run; written into the results so a run can be repeated. */
export interface BenchConfig {
  seed: string;
  modes: OrderMode[];
  outDir: string;
  smoke: boolean;
  /** Scenarios not to run (reported as skipped). */
  skip: OptionalScenario[];
  /** A fresh system per mode (isolation), or one system shared by every mode (quicker). */
  systemPerMode: boolean;
  /** Duration of each step of the maximum-rate search. */
  stepSeconds: number;
  /** Duration of the fixed-rate scenarios (half load, hot SKU, declines). */
  measureSeconds: number;
  /** Unrecorded load before the first step: JIT, connection pools and Kafka consumer groups settle. */
  warmupSeconds: number;
  warmupRate: number;
  /** Offered rates (orders/s) tried in order until one fails. */
  rateLadder: number[];
  /** Bisection steps between the last passing and the first failing rate. */
  refineSteps: number;
  /** A step passes with p99 under this, no errors, everything final within `graceMs` and this share of the offered rate completed. */
  passP99Ms: number;
  minCompletedShare: number;
  graceMs: number;
  /** How long to wait after a step for stragglers before giving up on them. */
  drainTimeoutMs: number;
  coolDownMs: number;
  declineShare: number;
  pauseSeconds: number;
  outageSeconds: number;
  crashLeadSeconds: number;
  crashTrailSeconds: number;
  /** Quiet time before reading commit counters (PostgreSQL flushes idle backends' counts after 10 s). */
  statsSettleMs: number;
  /** Quiet window in which the services' own background commits are counted. */
  backgroundWindowMs: number;
  catalog: CatalogShape;
  requestTimeoutMs: number;
  maxInFlight: number;
  maxSockets: number;
  pollIntervalMs: number;
  pollBatchSize: number;
  preparedPollMs: number;
  /** The console scenario: how many messages its order gets, how long the console may take to index it, the pause between pages. */
  consoleOrderMessages: number;
  consoleIndexTimeoutMs: number;
  consoleProbePauseMs: number;
  pgbench: { seconds: number; clients: number };
  targets: {
    sagaMaxRate: number;
    twoPhaseMaxRate: number;
    p99AtHalfLoadMs: number;
    /** CPU of every process but the load generator, per completed order, at half load (saga modes). */
    sagaCpuMsPerOrder: number;
    /** p99 of the console's order page and order list while a half-load step runs. */
    consolePageMs: number;
  };
}

const TARGETS = {
  sagaMaxRate: 300,
  twoPhaseMaxRate: 150,
  p99AtHalfLoadMs: 100,
  sagaCpuMsPerOrder: 6,
  consolePageMs: 300,
};

/** The full benchmark: minutes per mode. */
export function fullConfig(
  overrides: Partial<BenchConfig> & Pick<BenchConfig, 'seed' | 'modes' | 'outDir'>,
): BenchConfig {
  // A step must outlast a backlog's growth: at 10 s, a rate the machine cannot keep up with
  // still passes when its backlog drains within the grace period after the step.
  const stepSeconds = overrides.stepSeconds ?? 30;
  return {
    skip: [],
    smoke: false,
    systemPerMode: true,
    stepSeconds,
    measureSeconds: 20,
    warmupSeconds: 10,
    warmupRate: 10,
    rateLadder: [10, 25, 50, 100, 150, 200, 300, 400, 500, 650, 800, 1000, 1250, 1500, 2000],
    refineSteps: 2,
    passP99Ms: 1000,
    minCompletedShare: 0.95,
    graceMs: 5_000,
    drainTimeoutMs: 60_000,
    coolDownMs: 2_000,
    declineShare: 0.2,
    pauseSeconds: 10,
    outageSeconds: 10,
    crashLeadSeconds: 3,
    crashTrailSeconds: 5,
    statsSettleMs: 11_000,
    backgroundWindowMs: 5_000,
    catalog: { customers: 2_000, poorCustomers: 500, skus: 200 },
    requestTimeoutMs: 30_000,
    maxInFlight: 20_000,
    maxSockets: 256,
    pollIntervalMs: 100,
    pollBatchSize: 5_000,
    preparedPollMs: 100,
    consoleOrderMessages: 50,
    consoleIndexTimeoutMs: 120_000,
    consoleProbePauseMs: 100,
    pgbench: { seconds: 10, clients: 8 },
    targets: TARGETS,
    ...overrides,
  };
}

/** A tiny configuration that finishes in seconds per mode: for the test and for trying the command. */
export function smokeConfig(
  overrides: Partial<BenchConfig> & Pick<BenchConfig, 'seed' | 'modes' | 'outDir'>,
): BenchConfig {
  const stepSeconds = overrides.stepSeconds ?? 1;
  return {
    skip: [],
    smoke: true,
    systemPerMode: false,
    stepSeconds,
    measureSeconds: Math.max(1, stepSeconds),
    warmupSeconds: 1,
    warmupRate: 5,
    rateLadder: [5, 10, 20],
    refineSteps: 0,
    passP99Ms: 1000,
    minCompletedShare: 0.95,
    graceMs: 2_000,
    drainTimeoutMs: 10_000,
    coolDownMs: 200,
    declineShare: 0.2,
    pauseSeconds: 2,
    outageSeconds: 2,
    crashLeadSeconds: 1,
    crashTrailSeconds: 1,
    statsSettleMs: 500,
    backgroundWindowMs: 500,
    catalog: { customers: 40, poorCustomers: 10, skus: 10 },
    requestTimeoutMs: 5_000,
    maxInFlight: 1_000,
    maxSockets: 64,
    pollIntervalMs: 50,
    pollBatchSize: 1_000,
    preparedPollMs: 100,
    consoleOrderMessages: 50,
    consoleIndexTimeoutMs: 60_000,
    consoleProbePauseMs: 100,
    pgbench: { seconds: 1, clients: 4 },
    targets: TARGETS,
    ...overrides,
  };
}
