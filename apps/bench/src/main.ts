import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { testInfrastructure, uniqueName } from '@dtx/testing';
import { errorMessage } from '@dtx/util';
import { parseCommandLine, USAGE } from './cli.js';
import { installInterruptHandlers } from './interrupt.js';
import { loadAverage, runMode, startBenchSystem, targetCheck } from './mode-run.js';
import { measurePgbench } from './pgbench.js';
import { progress } from './progress.js';
import { writeReport } from './report/write-report.js';
import type { BenchResults, ModeResult, Outcome } from './results.js';
import type { PgbenchResult } from './pgbench.js';
import type { BenchConfig } from './bench-config.js';
import type { OrderMode } from '@dtx/contracts';

const FINAL_STATE_OBSERVATION =
  '2PC answers synchronously, so its order is final when the answer (201 CONFIRMED or 200 CANCELLED) arrives. ' +
  "A saga's 202 only says PENDING: the benchmark polls the order service's own database (table `orders`, by primary key, only the orders it still waits for) " +
  "and takes as the moment the order became final the row's `updated_at`, which is `now()` of the transaction that confirmed or cancelled it " +
  '(the one that also writes its OrderConfirmed/OrderCancelled event or its saga reply), so it is the start of that short transaction, a few milliseconds before its commit makes ' +
  'the state visible to `GET /orders/:id`. The poll interval only delays when the benchmark learns of it, not the latency it records. ' +
  'Kafka is not used for this: in orchestration the order service emits no OrderConfirmed/OrderCancelled event (it replies to the orchestrator), ' +
  'so the database is the one observation that is the same for both saga modes.';

async function main(): Promise<number> {
  let config;
  try {
    config = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (config === 'help') {
    console.log(USAGE);
    return 0;
  }
  installInterruptHandlers();
  const startedAt = new Date();
  const loadAverageAtStart = loadAverage();
  const { postgresAdminUrl } = await testInfrastructure();
  progress(
    `seed ${config.seed}, modes ${config.modes.join(', ')}${config.smoke ? ' (smoke)' : ''}; results in ${resolve(config.outDir)}`,
  );

  progress(
    `pgbench: PostgreSQL's own commit rate, ${config.pgbench.clients} clients, ${config.pgbench.seconds}s per workload`,
  );
  let pgbench: Outcome<PgbenchResult>;
  try {
    pgbench = {
      status: 'measured',
      ...(await measurePgbench(postgresAdminUrl, { ...config.pgbench, scratchDatabase: uniqueName('bench_pgbench') })),
    };
    progress(`pgbench: ${pgbench.singleInsertTps} single-row-insert commits/s, ${pgbench.simpleUpdateTps} tps for -N`);
  } catch (error) {
    pgbench = { status: 'failed', error: errorMessage(error) };
    progress(`pgbench failed: ${pgbench.error}`);
  }

  const runTag = uniqueName('r').replace(/_/g, '-');
  const modes: ModeResult[] = [];
  const shared = config.systemPerMode ? undefined : await startBenchSystem('every mode', join(config.outDir, 'logs'));
  try {
    for (const mode of config.modes) {
      try {
        modes.push(await runMode(mode, config, runTag, pgbench.status === 'measured' ? pgbench : null, shared));
      } catch (error) {
        progress(`${mode} failed: ${errorMessage(error)}`);
        modes.push(failedMode(mode, config, errorMessage(error)));
      }
    }
  } finally {
    await shared?.shutdown();
  }

  const finishedAt = new Date();
  const results: BenchResults = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    seed: config.seed,
    smoke: config.smoke,
    command: repeatCommand(process.argv.slice(2), config.seed),
    configuration: config,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryMb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverageAtStart,
      postgresTransport: postgresTransportOf(postgresAdminUrl),
    },
    finalStateObservation: FINAL_STATE_OBSERVATION,
    postgres: { pgbench },
    modes,
    files: { report: 'report.md', charts: [] },
  };
  const report = await writeReport(results, config.outDir);
  console.log(summaryLines(results).join('\n'));
  console.log(`report: ${resolve(report)}`);
  return 0;
}

/** A mode whose system could not be run at all: every scenario failed with the same error. */
function failedMode(mode: OrderMode, config: BenchConfig, error: string): ModeResult {
  const failed = { status: 'failed', error } as const;
  return {
    mode,
    systemStartSeconds: 0,
    loadAverage: { atStart: loadAverage(), atEnd: loadAverage() },
    maxRate: failed,
    halfLoad: failed,
    hotSku: failed,
    declines: failed,
    paymentPause: failed,
    coordinatorCrash: failed,
    consolePages: failed,
    commits: failed,
    targets: targetCheck(mode, config, failed, failed),
  };
}

/** The command line that repeats this run: the same options and seed, without the output folder. */
function repeatCommand(args: string[], seed: string): string {
  const kept: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--out' || arg === '--seed') {
      index++;
    } else if (!arg.startsWith('--out=') && !arg.startsWith('--seed=')) {
      kept.push(arg);
    }
  }
  return ['npm run bench --', '--seed', seed, ...kept].join(' ');
}

function summaryLines(results: BenchResults): string[] {
  return results.modes.map((mode) => {
    const rate = mode.maxRate.status === 'measured' ? `${mode.maxRate.maxRate} orders/s` : mode.maxRate.status;
    const half = mode.halfLoad.status === 'measured' ? mode.halfLoad.step.latencyMs : undefined;
    const latency = half
      ? `p50 ${half.p50} ms, p95 ${half.p95} ms, p99 ${half.p99} ms, p99.9 ${half.p999} ms at half load`
      : 'no half-load latency';
    const commits =
      mode.commits.status === 'measured' && mode.commits.commitsPerOrder !== null
        ? `, ${mode.commits.commitsPerOrder} commits/order`
        : '';
    const pages = mode.consolePages;
    const consolePages =
      pages.status === 'measured'
        ? `; console pages p99 ${pages.orderPage.p99} ms (order, ${pages.messages.listed} messages) and ${pages.listPage.p99} ms (list) at ${pages.offeredRate}/s`
        : '';
    return `${mode.mode.padEnd(13)} max ${rate}; ${latency}${commits}${consolePages}`;
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/** A `host` parameter naming a folder means the Unix socket in it (node-postgres's convention). */
function postgresTransportOf(url: string): 'unix socket' | 'tcp' {
  return new URL(url).searchParams.get('host')?.startsWith('/') ? 'unix socket' : 'tcp';
}
