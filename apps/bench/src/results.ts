import type { BenchConfig } from './bench-config.js';
import type { LatencySummary } from './latency-summary.js';
import type { PgbenchResult } from './pgbench.js';
import type { OrderMode } from '@dtx/contracts';

/** A scenario either measured something, was skipped (with why), or failed (with the error). */
export type Outcome<T> =
  ({ status: 'measured' } & T) | { status: 'skipped'; reason: string } | { status: 'failed'; error: string };

/** What one fixed-rate run of the load generator produced. */
export interface StepResult {
  label: string;
  offeredRate: number;
  seconds: number;
  scheduled: number;
  /** POSTs answered 2xx. */
  accepted: number;
  errors: number;
  /** Error kind (HTTP status and code, or transport error) and how often. */
  errorKinds: Record<string, number>;
  confirmed: number;
  cancelled: number;
  cancelReasons: Record<string, number>;
  /** Accepted but still PENDING when the benchmark stopped waiting. */
  unfinished: number;
  /** Final no later than `graceMs` after the last scheduled send. */
  finalWithinGrace: number;
  /** finalWithinGrace / seconds: completed orders per second. */
  completedRate: number;
  /** From the scheduled send to the final state (CONFIRMED or CANCELLED). */
  latencyMs: LatencySummary;
  confirmedLatencyMs: LatencySummary;
  cancelledLatencyMs: LatencySummary;
  /** From the scheduled send to the POST's answer. */
  answerLatencyMs: LatencySummary;
  /** How late the generator sent (p99): large values mean the generator, not the system, was behind. */
  sendLagP99Ms: number | null;
  /** From the end of the schedule until the last order was final; null when some never were. */
  drainMs: number | null;
  /** Share of the machine's CPU time busy during the step and its drain (everything on the machine, 0..1). */
  cpuBusyShare: number | null;
  /** CPU time of every watched process (services, PostgreSQL, Kafka, Jaeger; not the load generator) per final order, ms. */
  cpuMsPerOrder: number | null;
  /** Read and write system calls of every watched process per final order (PostgreSQL's socket calls not counted). */
  readWriteCallsPerOrder: number | null;
  /** Each watched process: CPU time and read and write calls over the step and its drain, per final order, and peak resident memory. */
  processes: {
    name: string;
    cpuMs: number;
    cpuMsPerOrder: number | null;
    readWriteCalls: number;
    readWriteCallsPerOrder: number | null;
    peakRssMb: number;
  }[];
  passed: boolean;
  failedBecause: string[];
}

export interface MaxRateResult {
  /** Highest offered rate whose step passed; 0 when none did. */
  maxRate: number;
  /** Completed orders/s measured in that step. */
  completedRateAtMax: number;
  steps: StepResult[];
}

export interface PaymentPauseResult {
  offeredRate: number;
  pauseSeconds: number;
  sent: number;
  /** Answered 2xx while payment was stopped: 202 (saga) or 201 (2PC confirmed). */
  acceptedDuringPause: number;
  /** Answered 200 CANCELLED while payment was stopped (2PC giving up). */
  cancelledAnswersDuringPause: number;
  /** Not answered yet when payment was resumed (2PC blocking). */
  unansweredAtResume: number;
  errors: number;
  errorKinds: Record<string, number>;
  confirmed: number;
  cancelled: number;
  cancelReasons: Record<string, number>;
  unfinished: number;
  /** From SIGCONT until the last order was final; null when some never were. */
  allFinalAfterResumeMs: number | null;
  latencyMs: LatencySummary;
}

export interface CoordinatorCrashResult {
  offeredRate: number;
  outageSeconds: number;
  /** From arming the crash point until the coordinator process was gone. */
  crashAfterArmMs: number;
  /** How long system.restart took until the coordinator answered again. */
  restartMs: number;
  /** From the crash until the restarted coordinator answered: the outage plus the restart. */
  downMs: number;
  preparedTransactions: {
    /** Distinct prepared transactions seen in the run's databases (polled every `pollMs`). */
    seen: number;
    pollMs: number;
    /** Longest time one was seen holding its locks (prepared time to last seen). */
    maxHeldMs: number | null;
    heldLongerThanOneSecond: number;
    /** Prepared transactions present while the coordinator was down (in doubt). */
    inDoubt: number;
    /** From the restart until the last in-doubt one was gone; null if none or never. */
    inDoubtResolvedAfterRestartMs: number | null;
  };
  orders: {
    sent: number;
    inFlightAtCrash: number;
    sentDuringOutage: number;
    /** Of those in flight or sent during the outage: failed (error, or still pending at the end). */
    blockedFailed: number;
    /** Of those: final, but later than the p99 bound. */
    blockedFinishedLate: number;
    blockedFinishedInTime: number;
    errorKinds: Record<string, number>;
    confirmed: number;
    cancelled: number;
    cancelReasons: Record<string, number>;
  };
  latencyMs: LatencySummary;
}

export interface CommitCostResult {
  windowSeconds: number;
  rawCommits: number;
  backgroundCommitsPerSecond: number;
  /** The benchmark's own polling queries in the order database during the window. */
  benchmarkQueries: number;
  completedOrders: number;
  /** (raw - background - benchmark queries) / completed orders. */
  commitsPerOrder: number | null;
  /** pgbench single-insert tps / commits per order: the most orders/s PostgreSQL could commit. */
  boundOrdersPerSecond: number | null;
  /** Maximum sustained rate as a share of that bound. */
  maxRateShareOfBound: number | null;
}

/** The operator console's pages while a half-load step runs. */
export interface ConsolePagesResult {
  offeredRate: number;
  /** The declined order whose page was fetched. */
  orderId: string;
  /** Its messages on the topics before the redelivered copies, and what its page lists with them. */
  messages: { original: number; listed: number };
  /** From starting the console until its index held the order. */
  readyMs: number;
  /** GET /orders/<id>, from the request to the last byte, one request at a time. */
  orderPage: LatencySummary;
  /** GET /orders, the newest orders with their counts. */
  listPage: LatencySummary;
  errors: number;
  errorKinds: Record<string, number>;
  /** What the console's index held after the step (its /metrics). */
  index: { messages: number | null; orders: number | null };
  /**
   * The console process over the step (its index following every topic, and the pages): CPU time, as a share of
   * one core, peak resident memory, and the JavaScript heap in use after the step.
   */
  console: { cpuMs: number; cpuShareOfCore: number; peakRssMb: number; heapUsedMb: number | null };
  /** The orders placed meanwhile, at half of the maximum rate. */
  step: StepResult;
  targetMs: number;
  /** Both pages' p99 under the target, and no error. */
  met: boolean;
}

export interface TargetCheck {
  maxRate: { target: number; actual: number | null; met: boolean };
  p99AtHalfLoad: { targetMs: number; actualMs: number | null; met: boolean };
  /** Set for the saga modes only. */
  cpuMsPerOrderAtHalfLoad: { targetMs: number; actualMs: number | null; met: boolean } | null;
}

export interface ModeResult {
  mode: OrderMode;
  systemStartSeconds: number;
  /** The machine's 1-minute load average when the mode began and ended: other work on the machine skews every figure. */
  loadAverage: { atStart: number; atEnd: number };
  maxRate: Outcome<MaxRateResult>;
  halfLoad: Outcome<{ step: StepResult }>;
  hotSku: Outcome<{ step: StepResult }>;
  declines: Outcome<{ declineShare: number; step: StepResult }>;
  paymentPause: Outcome<PaymentPauseResult>;
  coordinatorCrash: Outcome<CoordinatorCrashResult>;
  consolePages: Outcome<ConsolePagesResult>;
  commits: Outcome<CommitCostResult>;
  targets: TargetCheck;
}

export interface BenchResults {
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  seed: string;
  smoke: boolean;
  /** The command that repeats this run. */
  command: string;
  configuration: BenchConfig;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMb: number;
    node: string;
    platform: string;
    loadAverageAtStart: number;
    /** How the services reach PostgreSQL: through its Unix socket or over TCP. */
    postgresTransport: 'unix socket' | 'tcp';
  };
  /** How the benchmark decides that an order is final, and when. */
  finalStateObservation: string;
  postgres: { pgbench: Outcome<PgbenchResult> };
  modes: ModeResult[];
  files: { report: string; charts: string[] };
}
