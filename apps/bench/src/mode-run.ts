import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { OrderMode } from '@dtx/contracts';
import { localIssuer } from '@dtx/auth';
import { issuedCredentials, KeepAliveTransport, ShopClient, type ShopService } from '@dtx/shop-client';
import { SERVICE_NAMES, startSystem, testInfrastructure, type RunningSystem } from '@dtx/testing';
import { errorMessage, sleep } from '@dtx/util';
import type { BenchConfig } from './bench-config.js';
import { FinalStateTracker } from './final-state-tracker.js';
import { onInterrupt } from './interrupt.js';
import type { ModeContext } from './load-run.js';
import type { PgbenchResult } from './pgbench.js';
import { databaseNameOf, PostgresObserver } from './postgres-observer.js';
import { progress } from './progress.js';
import type { CommitCostResult, MaxRateResult, ModeResult, Outcome, StepResult, TargetCheck } from './results.js';
import { measureConsolePages } from './scenarios/console-pages.js';
import { measureCoordinatorCrash } from './scenarios/coordinator-crash.js';
import { describeStep, runFixedRateStep } from './scenarios/fixed-rate-step.js';
import { searchMaxRate } from './scenarios/max-rate-search.js';
import { measurePaymentPause } from './scenarios/payment-pause.js';
import { seededRandom } from './seeded-random.js';
import { watchedProcesses } from './watched-processes.js';
import { catalogOf, hotSkuOrders, mixedOrders, seedCatalog, type Catalog } from './workload.js';

/** Runs a scenario, turning an exception into a recorded failure so the other scenarios still run. */
async function attempt<T>(name: string, scenario: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await scenario();
  } catch (error) {
    progress(`${name} failed: ${errorMessage(error)}`);
    return { status: 'failed', error: errorMessage(error) };
  }
}

const skipped = (reason: string) => ({ status: 'skipped', reason }) as const;

/** The machine's 1-minute load average, to one decimal. */
export const loadAverage = () => Math.round((loadavg()[0] ?? 0) * 10) / 10;

/** The five services of a run, and how long they took to start. */
export interface BenchSystem {
  system: RunningSystem;
  startSeconds: number;
  /** Stops every service and drops the databases; also on Ctrl-C. */
  shutdown(): Promise<void>;
}

/** Starts order, inventory, payment, orchestrator and coordinator as processes on fresh databases and topics; their logs go to `<logDir>/<label>-<service>.log` when it stops. */
export async function startBenchSystem(label: string, logDir: string): Promise<BenchSystem> {
  progress(`${label}: starting order, inventory, payment, orchestrator and coordinator on fresh databases`);
  const startedAt = performance.now();
  const system = await startSystem([...SERVICE_NAMES], {
    environment: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error' },
  });
  const forget = onInterrupt(() => system.shutdown());
  return {
    system,
    startSeconds: Math.round((performance.now() - startedAt) / 100) / 10,
    shutdown: async () => {
      await saveLogs(system, label, logDir);
      await system.shutdown().catch((error: unknown) => progress(`${label}: shutdown failed: ${errorMessage(error)}`));
      forget();
    },
  };
}

/** What each service wrote (warnings and errors at the benchmark's log level), kept with the results. */
async function saveLogs(system: RunningSystem, label: string, logDir: string): Promise<void> {
  await mkdir(logDir, { recursive: true });
  for (const service of SERVICE_NAMES) {
    const name = `${label.replaceAll(' ', '-')}-${service}.log`;
    await writeFile(join(logDir, name), system.process(service).output()).catch(() => undefined);
  }
}

/**
 * Every scenario of one mode. By default on a system of its own, so no mode
 * inherits another's tables or backlog; `shared` runs it on a system that
 * other modes use too (the smoke configuration, to finish quickly).
 */
export async function runMode(
  mode: OrderMode,
  config: BenchConfig,
  runTag: string,
  pgbench: PgbenchResult | null,
  shared?: BenchSystem,
): Promise<ModeResult> {
  const loadAtStart = loadAverage();
  const owned = shared ? undefined : await startBenchSystem(mode, join(config.outDir, 'logs'));
  const { system, startSeconds: systemStartSeconds } = (shared ?? owned) as BenchSystem;
  const credentials = issuedCredentials(await localIssuer());
  // Keep-alive sockets, and no answer validation: the load generator must not become the bottleneck.
  const api = new ShopClient(
    {
      order: system.url('order'),
      inventory: system.url('inventory'),
      payment: system.url('payment'),
      orchestrator: system.url('orchestrator'),
      coordinator: system.url('coordinator'),
      admin: { coordinator: system.adminUrl('coordinator') },
    },
    {
      transport: new KeepAliveTransport({ maxSockets: config.maxSockets }),
      validate: false,
      timeoutMs: 10_000,
      // Each customer's own token, as the services' clients would send it.
      credentials,
    },
  );
  const tracker = new FinalStateTracker(system.databaseUrl('order'), {
    pollIntervalMs: config.pollIntervalMs,
    batchSize: config.pollBatchSize,
  });
  const { postgresAdminUrl } = await testInfrastructure();
  const observer = new PostgresObserver(
    postgresAdminUrl,
    SERVICE_NAMES.map((service) => databaseNameOf(system.databaseUrl(service))),
  );
  try {
    await tracker.start();
    await observer.connect();
    await waitUntilReady(api, SERVICE_NAMES);
    const catalog = catalogOf(config.catalog);
    await seedCatalog(api, catalog);
    // Signed now, not while the load runs: a token is issued once per customer and then reused.
    await Promise.all(
      [...catalog.customers, ...catalog.poorCustomers].map((customer) => credentials.customer(customer)),
    );
    progress(
      `${mode}: system up (started in ${systemStartSeconds}s${shared ? ', shared by every mode' : ''}); seeded ${catalog.skus.length + 1} SKUs and ${catalog.customers.length + catalog.poorCustomers.length} customers`,
    );
    const processes = await watchedProcesses(system, postgresAdminUrl);
    const context: ModeContext = { mode, api, tracker, config, runTag, processes };
    await warmUp(context, catalog);

    const background = await measureBackgroundCommits(observer, config);
    const maxRate = await attempt(`${mode} max-rate`, async () => ({
      status: 'measured',
      ...(await searchMaxRate(context, catalog)),
    }));
    const halfRate =
      maxRate.status === 'measured' && maxRate.maxRate > 0 ? Math.max(1, Math.round(maxRate.maxRate / 2)) : 0;
    const noRate = skipped(
      maxRate.status === 'measured'
        ? `no step passed, so there is no half of the maximum rate (${firstFailure(maxRate)})`
        : 'the maximum-rate search failed',
    );
    const stepAtHalf = async (label: string, planner: Parameters<typeof runFixedRateStep>[1]['planner']) => {
      const step = await runFixedRateStep(context, { label, rate: halfRate, seconds: config.measureSeconds, planner });
      progress(describeStep(mode, step));
      await sleep(config.coolDownMs);
      return step;
    };

    let commits: Outcome<CommitCostResult> = noRate;
    const halfLoad: ModeResult['halfLoad'] =
      halfRate === 0
        ? noRate
        : await attempt(`${mode} half-load`, async () => {
            const counted = await countCommits(observer, tracker, config, () =>
              stepAtHalf(
                `half-load@${halfRate}`,
                mixedOrders(catalog, seededRandom(`${config.seed}:half-load`), { declineShare: 0 }),
              ),
            );
            commits = commitCost(counted, background, pgbench, maxRate.status === 'measured' ? maxRate.maxRate : 0);
            return { status: 'measured', step: counted.result };
          });
    const notAsked = skipped('skipped (--skip)');
    const consolePages: ModeResult['consolePages'] = config.skip.includes('console')
      ? notAsked
      : halfRate === 0
        ? noRate
        : await attempt(`${mode} console`, async () => {
            const result = await measureConsolePages(context, system, catalog, halfRate);
            progress(describeStep(mode, result.step));
            progress(
              `${mode} console: order page (${result.messages.listed} messages) p50 ${result.orderPage.p50} ms, p99 ${result.orderPage.p99} ms; ` +
                `order list p50 ${result.listPage.p50} ms, p99 ${result.listPage.p99} ms; ${result.errors} errors; ` +
                `the console used ${Math.round(result.console.cpuShareOfCore * 100)}% of a core (its index following every topic, and the pages)`,
            );
            await sleep(config.coolDownMs);
            return { status: 'measured', ...result };
          });
    const hotSku: ModeResult['hotSku'] = config.skip.includes('hot-sku')
      ? notAsked
      : halfRate === 0
        ? noRate
        : await attempt(`${mode} hot-sku`, async () => ({
            status: 'measured',
            step: await stepAtHalf(
              `hot-sku@${halfRate}`,
              hotSkuOrders(catalog, seededRandom(`${config.seed}:hot-sku`)),
            ),
          }));
    const declines: ModeResult['declines'] = config.skip.includes('declines')
      ? notAsked
      : halfRate === 0
        ? noRate
        : await attempt(`${mode} declines`, async () => ({
            status: 'measured',
            declineShare: config.declineShare,
            step: await stepAtHalf(
              `declines@${halfRate}`,
              mixedOrders(catalog, seededRandom(`${config.seed}:declines`), { declineShare: config.declineShare }),
            ),
          }));
    const paymentPause: ModeResult['paymentPause'] = config.skip.includes('payment-pause')
      ? notAsked
      : halfRate === 0
        ? noRate
        : await attempt(`${mode} payment-pause`, async () => {
            progress(`${mode} payment-pause: SIGSTOP payment for ${config.pauseSeconds}s at ${halfRate}/s`);
            const result = await measurePaymentPause(context, system, catalog, halfRate);
            progress(
              `${mode} payment-pause: ${result.acceptedDuringPause} accepted and ${result.unansweredAtResume} unanswered during the pause, ` +
                `${result.errors} errors, all final ${result.allFinalAfterResumeMs ?? 'never'} ms after SIGCONT`,
            );
            return { status: 'measured', ...result };
          });
    const coordinatorCrash: ModeResult['coordinatorCrash'] =
      mode !== '2pc'
        ? skipped('only 2PC has a coordinator in the order path')
        : config.skip.includes('coordinator-crash')
          ? notAsked
          : halfRate === 0
            ? noRate
            : await attempt(`${mode} coordinator-crash`, () =>
                measureCoordinatorCrash(context, system, observer, catalog, halfRate),
              );
    if (coordinatorCrash.status === 'measured') {
      progress(
        `2pc coordinator-crash: ${coordinatorCrash.preparedTransactions.inDoubt} in doubt, locks held up to ${coordinatorCrash.preparedTransactions.maxHeldMs} ms, ` +
          `${coordinatorCrash.orders.blockedFailed} blocked orders failed, ${coordinatorCrash.orders.blockedFinishedLate} finished late`,
      );
    } else if (mode === '2pc') {
      progress(
        `2pc coordinator-crash: ${coordinatorCrash.status}: ${'reason' in coordinatorCrash ? coordinatorCrash.reason : coordinatorCrash.error}`,
      );
    }

    const result: ModeResult = {
      mode,
      systemStartSeconds,
      loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
      maxRate,
      halfLoad,
      hotSku,
      declines,
      paymentPause,
      coordinatorCrash,
      consolePages,
      commits,
      targets: targetCheck(mode, config, maxRate, halfLoad),
    };
    return result;
  } finally {
    await tracker.stop();
    await observer.close();
    api.close();
    await owned?.shutdown();
  }
}

/** Every service answers /health/ready (its database and Kafka reachable), bounded. */
async function waitUntilReady(api: ShopClient, services: readonly ShopService[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const service of services) {
    for (;;) {
      const answer = await api.request(service, 'GET', '/health/ready', { timeoutMs: 2_000 }).catch(() => undefined);
      if (answer?.status === 200) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`${service} is not ready after 60 s: ${JSON.stringify(answer?.body)}`);
      }
      await sleep(200);
    }
  }
}

/** Unrecorded load first, so the first step does not pay for JIT, pools and Kafka consumer groups joining. */
async function warmUp(context: ModeContext, catalog: Catalog): Promise<void> {
  const { config } = context;
  const planner = mixedOrders(catalog, seededRandom(`${config.seed}:warm-up`), { declineShare: config.declineShare });
  const step = await runFixedRateStep(context, {
    label: 'warm-up',
    rate: config.warmupRate,
    seconds: config.warmupSeconds,
    planner,
  });
  progress(`${describeStep(context.mode, step).replace(/ -> .*$/, '')} (not recorded)`);
  await sleep(config.coolDownMs);
}

function firstFailure(search: MaxRateResult): string {
  const failed = search.steps.find((step) => !step.passed);
  return failed ? `${failed.label}: ${failed.failedBecause.join('; ')}` : 'no step ran';
}

interface BackgroundCommits {
  perSecond: number;
}

/** The services' own commits while no order arrives (pollers, timers), to subtract from the per-order count. */
async function measureBackgroundCommits(observer: PostgresObserver, config: BenchConfig): Promise<BackgroundCommits> {
  await sleep(config.statsSettleMs);
  const before = { commits: await observer.commitCount(), at: performance.now() };
  await sleep(config.backgroundWindowMs);
  const after = { commits: await observer.commitCount(), at: performance.now() };
  return { perSecond: Math.max(0, (after.commits - before.commits) / ((after.at - before.at) / 1000)) };
}

interface CountedStep {
  result: StepResult;
  rawCommits: number;
  benchmarkQueries: number;
  windowSeconds: number;
}

/** Runs the step between two settled reads of the commit counters of the run's databases. */
async function countCommits(
  observer: PostgresObserver,
  tracker: FinalStateTracker,
  config: BenchConfig,
  step: () => Promise<StepResult>,
): Promise<CountedStep> {
  await sleep(config.statsSettleMs);
  const before = { commits: await observer.commitCount(), queries: tracker.queryCount, at: performance.now() };
  const result = await step();
  await sleep(config.statsSettleMs);
  const after = { commits: await observer.commitCount(), queries: tracker.queryCount, at: performance.now() };
  return {
    result,
    rawCommits: after.commits - before.commits,
    benchmarkQueries: after.queries - before.queries,
    windowSeconds: (after.at - before.at) / 1000,
  };
}

function commitCost(
  counted: CountedStep,
  background: BackgroundCommits,
  pgbench: PgbenchResult | null,
  maxRate: number,
): Outcome<CommitCostResult> {
  const completedOrders = counted.result.confirmed + counted.result.cancelled;
  const net = counted.rawCommits - background.perSecond * counted.windowSeconds - counted.benchmarkQueries;
  const commitsPerOrder = completedOrders > 0 && net > 0 ? Math.round((net / completedOrders) * 10) / 10 : null;
  const bound = commitsPerOrder && pgbench ? Math.round(pgbench.singleInsertTps / commitsPerOrder) : null;
  return {
    status: 'measured',
    windowSeconds: Math.round(counted.windowSeconds * 10) / 10,
    rawCommits: counted.rawCommits,
    backgroundCommitsPerSecond: Math.round(background.perSecond * 10) / 10,
    benchmarkQueries: counted.benchmarkQueries,
    completedOrders,
    commitsPerOrder,
    boundOrdersPerSecond: bound,
    maxRateShareOfBound: bound ? Math.round((maxRate / bound) * 1000) / 1000 : null,
  };
}

/** Where the mode stands against the targets (reported, never asserted). */
export function targetCheck(
  mode: OrderMode,
  config: BenchConfig,
  maxRate: ModeResult['maxRate'],
  halfLoad: ModeResult['halfLoad'],
): TargetCheck {
  const { targets } = config;
  const actualRate = maxRate.status === 'measured' ? maxRate.maxRate : null;
  const actualP99 = halfLoad.status === 'measured' ? halfLoad.step.latencyMs.p99 : null;
  const actualCpu = halfLoad.status === 'measured' ? halfLoad.step.cpuMsPerOrder : null;
  const rateTarget = mode === '2pc' ? targets.twoPhaseMaxRate : targets.sagaMaxRate;
  return {
    maxRate: { target: rateTarget, actual: actualRate, met: actualRate !== null && actualRate >= rateTarget },
    p99AtHalfLoad: {
      targetMs: targets.p99AtHalfLoadMs,
      actualMs: actualP99,
      met: actualP99 !== null && actualP99 < targets.p99AtHalfLoadMs,
    },
    cpuMsPerOrderAtHalfLoad:
      mode === '2pc'
        ? null
        : {
            targetMs: targets.sagaCpuMsPerOrder,
            actualMs: actualCpu,
            met: actualCpu !== null && actualCpu <= targets.sagaCpuMsPerOrder,
          },
  };
}
