import type { LatencySummary } from '../latency-summary.js';
import type { BenchResults, ModeResult, Outcome, StepResult } from '../results.js';
import type { Chart } from './charts.js';

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value} ms`);
const num = (value: number | null | undefined) => (value === null || value === undefined ? '–' : String(value));
const kinds = (counts: Record<string, number>) =>
  Object.keys(counts).length === 0
    ? 'none'
    : Object.entries(counts)
        .map(([kind, count]) => `${count}× ${kind}`)
        .join(', ');
const notMeasured = (outcome: Outcome<unknown>) =>
  outcome.status === 'skipped'
    ? `skipped: ${outcome.reason}`
    : outcome.status === 'failed'
      ? `failed: ${outcome.error}`
      : '';
const percentiles = (latency: LatencySummary) =>
  `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)} / ${ms(latency.p999)}`;

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function summaryRow(mode: ModeResult): string[] {
  const maxRate = mode.maxRate.status === 'measured' ? `${mode.maxRate.maxRate}` : notMeasured(mode.maxRate);
  const half = mode.halfLoad.status === 'measured' ? mode.halfLoad.step : undefined;
  const commits = mode.commits.status === 'measured' ? mode.commits : undefined;
  return [
    `**${mode.mode}**`,
    maxRate,
    half ? `${half.offeredRate}/s: ${percentiles(half.latencyMs)}` : '–',
    num(half?.cpuMsPerOrder),
    num(commits?.commitsPerOrder),
    num(commits?.boundOrdersPerSecond),
    commits?.maxRateShareOfBound === null || commits?.maxRateShareOfBound === undefined
      ? '–'
      : `${Math.round(commits.maxRateShareOfBound * 1000) / 10}%`,
  ];
}

function targetSentence(mode: ModeResult): string {
  const { targets } = mode;
  const rate = targets.maxRate.actual;
  const p99 = targets.p99AtHalfLoad.actualMs;
  const rateText =
    rate === null
      ? 'its maximum rate could not be measured'
      : `${rate} orders/s sustained, ${targets.maxRate.met ? 'meeting' : `${Math.round((rate / targets.maxRate.target) * 1000) / 10}% of`} the ${targets.maxRate.target}/s target`;
  const p99Text =
    p99 === null
      ? 'no latency at half load'
      : `p99 ${p99} ms at half load, ${targets.p99AtHalfLoad.met ? 'under' : 'over'} the ${targets.p99AtHalfLoad.targetMs} ms target`;
  const cpu = targets.cpuMsPerOrderAtHalfLoad;
  const cpuText =
    cpu === null
      ? ''
      : cpu.actualMs === null
        ? '; no CPU figure at half load'
        : `; ${cpu.actualMs} ms of CPU per order at half load, ${cpu.met ? 'within' : 'over'} the ${cpu.targetMs} ms target`;
  const pages = mode.consolePages;
  const consoleText =
    pages.status === 'measured'
      ? `; the console's pages answered with p99 ${pages.orderPage.p99} ms (order page) and ${pages.listPage.p99} ms (order list), ${pages.met ? 'under' : 'not under'} the ${pages.targetMs} ms target`
      : '';
  return `- **${mode.mode}**: ${rateText}; ${p99Text}${cpuText}${consoleText}.`;
}

function stepRows(steps: readonly StepResult[]): string[][] {
  return steps.map((step) => [
    step.label,
    `${step.offeredRate}`,
    `${step.scheduled}`,
    `${step.completedRate}`,
    percentiles(step.latencyMs),
    ms(step.latencyMs.max),
    `${step.errors}`,
    `${step.unfinished}`,
    ms(step.sendLagP99Ms),
    step.cpuBusyShare === null ? '–' : `${Math.round(step.cpuBusyShare * 100)}%`,
    step.passed ? 'pass' : `fail: ${step.failedBecause.join('; ')}`,
  ]);
}

const STEP_HEADER = [
  'step',
  'offered/s',
  'sent',
  'completed/s',
  'p50 / p95 / p99 / p99.9',
  'max',
  'errors',
  'never final',
  'send lag p99',
  'machine CPU busy',
  'verdict',
];

function stepSection(
  title: string,
  explanation: string,
  modes: readonly ModeResult[],
  pick: (mode: ModeResult) => Outcome<{ step: StepResult }>,
): string {
  const rows = modes.map((mode) => {
    const outcome = pick(mode);
    if (outcome.status !== 'measured') {
      return [`**${mode.mode}**`, notMeasured(outcome), '', '', '', '', '', ''];
    }
    const { step } = outcome;
    return [
      `**${mode.mode}**`,
      `${step.offeredRate}/s × ${step.seconds}s`,
      `${step.confirmed} / ${step.cancelled}`,
      percentiles(step.latencyMs),
      percentiles(step.confirmedLatencyMs),
      percentiles(step.cancelledLatencyMs),
      `${step.errors} (${kinds(step.errorKinds)})`,
      step.passed ? 'yes' : `no: ${step.failedBecause.join('; ')}`,
    ];
  });
  return [
    `## ${title}`,
    '',
    explanation,
    '',
    table(
      [
        'mode',
        'load',
        'confirmed / cancelled',
        'all: p50 / p95 / p99 / p99.9',
        'confirmed',
        'cancelled',
        'errors',
        'within the pass criteria',
      ],
      rows,
    ),
  ].join('\n');
}

function pauseSection(results: BenchResults): string {
  const rows = results.modes.map((mode) => {
    const pause = mode.paymentPause;
    if (pause.status !== 'measured') {
      return [`**${mode.mode}**`, notMeasured(pause), '', '', '', '', '', ''];
    }
    return [
      `**${mode.mode}**`,
      `${pause.offeredRate}/s, ${pause.sent} sent`,
      `${pause.acceptedDuringPause}`,
      `${pause.cancelledAnswersDuringPause} / ${pause.unansweredAtResume}`,
      `${pause.errors} (${kinds(pause.errorKinds)})`,
      `${pause.confirmed} / ${pause.cancelled}${pause.cancelled > 0 ? ` (${kinds(pause.cancelReasons)})` : ''}; ${pause.unfinished} never`,
      ms(pause.allFinalAfterResumeMs),
      percentiles(pause.latencyMs),
    ];
  });
  return [
    `## Payment paused for ${results.configuration.pauseSeconds} s`,
    '',
    `The payment service is frozen with SIGSTOP while orders keep arriving at half of the mode's maximum rate for ${results.configuration.pauseSeconds} s, then resumed with SIGCONT. ` +
      'Saga modes can accept orders (202) without payment; 2PC must either wait for its participant or give up.',
    '',
    table(
      [
        'mode',
        'load',
        'accepted during the pause',
        'cancel answers / unanswered at resume',
        'errors',
        'final: confirmed / cancelled',
        'all final after SIGCONT',
        'p50 / p95 / p99 / p99.9',
      ],
      rows,
    ),
  ].join('\n');
}

function crashSection(results: BenchResults): string {
  const lines = [`## Coordinator killed after prepare (2PC)`, ''];
  const twoPc = results.modes.find((mode) => mode.mode === '2pc');
  if (!twoPc) {
    return [...lines, '2PC was not part of this run (`--modes`).'].join('\n');
  }
  const crash = twoPc.coordinatorCrash;
  if (crash.status !== 'measured') {
    return [...lines, `Not measured (${notMeasured(crash)}).`].join('\n');
  }
  const prepared = crash.preparedTransactions;
  return [
    ...lines,
    `Orders arrive at ${crash.offeredRate}/s. The coordinator is armed (\`PUT /admin/crash-point {"point":"after-prepare"}\`) to SIGKILL itself after every participant of the next transaction voted yes and before it logs a decision; ` +
      `it died ${crash.crashAfterArmMs} ms after arming, was restarted ${crash.outageSeconds} s later and answered again ${crash.restartMs} ms after that (down ${crash.downMs} ms in all). ` +
      `\`pg_prepared_xacts\` of the run's databases was polled every ${prepared.pollMs} ms; each participant's database holds one prepared transaction per 2PC transaction. ` +
      'An order counts as blocked when it was in flight at the crash or sent before the coordinator answered again.',
    '',
    table(
      ['what', 'value'],
      [
        ['prepared transactions seen', `${prepared.seen}`],
        ['longest a prepared transaction held its locks', ms(prepared.maxHeldMs)],
        ['prepared transactions held over 1 s', `${prepared.heldLongerThanOneSecond}`],
        ['in doubt while the coordinator was down', `${prepared.inDoubt}`],
        ['last in-doubt transaction resolved, after the restart', ms(prepared.inDoubtResolvedAfterRestartMs)],
        ['orders sent', `${crash.orders.sent}`],
        ['orders in flight at the crash', `${crash.orders.inFlightAtCrash}`],
        ['orders sent during the outage', `${crash.orders.sentDuringOutage}`],
        [
          'of those blocked: failed / final late (≥ 1 s) / final in time',
          `${crash.orders.blockedFailed} / ${crash.orders.blockedFinishedLate} / ${crash.orders.blockedFinishedInTime}`,
        ],
        [
          `errors (the bench gives up on an answer after ${results.configuration.requestTimeoutMs / 1000} s)`,
          kinds(crash.orders.errorKinds),
        ],
        [
          'confirmed / cancelled',
          `${crash.orders.confirmed} / ${crash.orders.cancelled} (${kinds(crash.orders.cancelReasons)})`,
        ],
        ['p50 / p95 / p99 / p99.9', percentiles(crash.latencyMs)],
      ],
    ),
  ].join('\n');
}

function commitsSection(results: BenchResults): string {
  const pgbench = results.postgres.pgbench;
  const head =
    pgbench.status === 'measured'
      ? `pgbench on a scratch database, ${pgbench.clients} clients for ${pgbench.seconds} s each (synchronous_commit=${pgbench.synchronousCommit}, fsync=${pgbench.fsync}): ` +
        `**${pgbench.singleInsertTps} single-row-insert commits/s**, ${pgbench.simpleUpdateTps} tps for \`-N\`. ` +
        'The bound on orders/s is that commit rate divided by the commits one order costs.'
      : `pgbench: ${notMeasured(pgbench)}`;
  const rows = results.modes.map((mode) => {
    const commits = mode.commits;
    if (commits.status !== 'measured') {
      return [`**${mode.mode}**`, notMeasured(commits), '', '', '', ''];
    }
    return [
      `**${mode.mode}**`,
      `${commits.rawCommits} in ${commits.windowSeconds} s`,
      `${commits.backgroundCommitsPerSecond}/s, ${commits.benchmarkQueries} bench queries`,
      num(commits.commitsPerOrder),
      num(commits.boundOrdersPerSecond),
      commits.maxRateShareOfBound === null ? '–' : `${Math.round(commits.maxRateShareOfBound * 1000) / 10}%`,
    ];
  });
  return [
    `## PostgreSQL's commit rate and the commits per order`,
    '',
    head,
    '',
    "Commits per order: the change of `sum(xact_commit)` in `pg_stat_database` over the five databases of the mode's system across the half-load step (read after a settle period, since PostgreSQL flushes these counters late), " +
      "less the services' background commits measured while idle and the benchmark's own polling queries, divided by the orders that became final." +
      (results.configuration.statsSettleMs < 10_000
        ? ` Here the counters were read after only ${results.configuration.statsSettleMs} ms, less than the 10 s after which PostgreSQL flushes an idle backend's counts, so these counts are rough.`
        : ''),
    '',
    table(['mode', 'commits counted', 'subtracted', 'commits per order', 'bound (orders/s)', 'max rate / bound'], rows),
  ].join('\n');
}

function searchSection(results: BenchResults): string {
  const parts = [
    '## Maximum sustained rate: every step',
    '',
    `Each step offers a fixed rate for ${results.configuration.stepSeconds} s. It passes when p99 < ${results.configuration.passP99Ms} ms, there are no errors, ` +
      `every accepted order is final within ${results.configuration.graceMs / 1000} s after the step, and at least ${results.configuration.minCompletedShare * 100}% of the offered rate completed. ` +
      `Rates: ${results.configuration.rateLadder.join(', ')} orders/s until one fails, then ${results.configuration.refineSteps} bisection steps.`,
  ];
  for (const mode of results.modes) {
    parts.push('', `### ${mode.mode}`, '');
    parts.push(
      mode.maxRate.status === 'measured' ? table(STEP_HEADER, stepRows(mode.maxRate.steps)) : notMeasured(mode.maxRate),
    );
  }
  return parts.join('\n');
}

/** The console's page latencies while a half-load step runs, against the target. */
function consoleSection(results: BenchResults): string {
  const rows = results.modes.map((mode) => {
    const pages = mode.consolePages;
    if (pages.status !== 'measured') {
      return [`**${mode.mode}**`, notMeasured(pages), '', '', '', '', '', ''];
    }
    return [
      `**${mode.mode}**`,
      `${pages.step.offeredRate}/s × ${pages.step.seconds}s, ${pages.step.completedRate}/s completed`,
      `${pages.messages.listed} (${pages.messages.original} + copies)`,
      `${percentiles(pages.orderPage)} (${pages.orderPage.count})`,
      `${percentiles(pages.listPage)} (${pages.listPage.count})`,
      `${pages.errors} (${kinds(pages.errorKinds)})`,
      `${num(pages.index.messages)} messages of ${num(pages.index.orders)} orders`,
      `${Math.round(pages.console.cpuShareOfCore * 100)}% of a core; heap ${num(pages.console.heapUsedMb)} MiB, peak RSS ${pages.console.peakRssMb} MiB`,
    ];
  });
  return [
    '## The operator console under load',
    '',
    `While orders arrive at half of the mode's maximum rate (a step of its own, so the half-load figures above do not include it), one operator fetches the console's pages one after another, ${results.configuration.consoleProbePauseMs} ms apart: ` +
      `the page of one declined order given at least ${results.configuration.consoleOrderMessages} messages (its own and redelivered copies of them, harmless to the idempotent consumers; a 2PC order has no messages, only votes), then the order list, and so on. ` +
      "Latency is from the request to the page's last byte. The console started after the maximum-rate search and indexed every message of the run's topics before the step; " +
      `the benchmark's services export no traces, so the waterfall part of the page costs one query to Jaeger that finds nothing. Target: p99 under ${results.configuration.targets.consolePageMs} ms for both pages.`,
    '',
    table(
      [
        'mode',
        'load',
        'messages on the page',
        'order page: p50 / p95 / p99 / p99.9 (pages)',
        'order list',
        'errors',
        'held by its index',
        'console CPU (index and pages), memory',
      ],
      rows,
    ),
  ].join('\n');
}

/** CPU time per final order and peak memory of every process, at half load. */
function processSection(modes: readonly ModeResult[]): string {
  const measured = modes.flatMap((mode) =>
    mode.halfLoad.status === 'measured' && mode.halfLoad.step.processes.length > 0
      ? [{ mode: mode.mode, step: mode.halfLoad.step }]
      : [],
  );
  if (measured.length === 0) {
    return '## CPU and memory per process\n\nNot measured: no half-load step ran.';
  }
  const names = [...new Set(measured.flatMap(({ step }) => step.processes.map((process) => process.name)))];
  const cell = (step: StepResult, name: string) => {
    const process = step.processes.find((entry) => entry.name === name);
    return process
      ? `${num(process.cpuMsPerOrder)} ms, ${num(process.readWriteCallsPerOrder)} calls, ${process.peakRssMb} MiB`
      : '–';
  };
  return [
    '## CPU and memory per process',
    '',
    'At half load: CPU time (user + system, from `/proc/<pid>/stat`; PostgreSQL with its backends) and read and write system calls (`syscr` + `syscw` from `/proc/<pid>/io`: a request answered on a socket is about one of each; PostgreSQL’s backends use `recv` and `send`, which are not counted) over the step and its drain, divided by the orders that became final, and the peak resident memory sampled every 0.5 s (PostgreSQL backends: their private memory). The load generator is not counted. The calls move far less from run to run than the CPU time.',
    '',
    table(
      ['process', ...measured.map(({ mode, step }) => `${mode} @ ${step.offeredRate}/s`)],
      [
        ...names.map((name) => [name, ...measured.map(({ step }) => cell(step, name))]),
        [
          '**all**',
          ...measured.map(({ step }) => `**${num(step.cpuMsPerOrder)} ms, ${num(step.readWriteCallsPerOrder)} calls**`),
        ],
      ],
    ),
  ].join('\n');
}

/** The Markdown report: summary against the targets, charts, method, then every scenario. */
export function markdownReport(results: BenchResults, charts: readonly Chart[]): string {
  const config = results.configuration;
  return [
    '# Benchmark: choreography, orchestration and two-phase commit',
    '',
    `Run ${results.startedAt} (${results.durationSeconds} s), seed \`${results.seed}\`${results.smoke ? ', **smoke configuration: tiny rates and durations, figures mean little**' : ''}. ` +
      `Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${Math.round(results.machine.memoryMb / 1024)} GiB, Node ${results.machine.node}; ` +
      'the load generator, the five services, PostgreSQL and Kafka all share it. ' +
      `1-minute load average before the run: ${results.machine.loadAverageAtStart}` +
      (results.machine.loadAverageAtStart >= 1
        ? ' — **other work was running on the machine, so these figures understate what the system can do**.'
        : ' (the machine was otherwise idle).'),
    '',
    `Repeat it: \`${results.command}\` (the seed fixes every customer, SKU and decline choice; the machine's load does not repeat).`,
    '',
    '## Summary',
    '',
    table(
      [
        'mode',
        'max sustained rate (orders/s)',
        'half load: p50 / p95 / p99 / p99.9',
        'CPU per order at half load (ms)',
        'commits per order',
        'PostgreSQL bound (orders/s)',
        'max rate / bound',
      ],
      results.modes.map(summaryRow),
    ),
    '',
    `Targets (reported, not asserted): choreography and orchestration sustain ${config.targets.sagaMaxRate} completed orders/s and 2PC ${config.targets.twoPhaseMaxRate}, each with p99 under ${config.targets.p99AtHalfLoadMs} ms at half load; the saga modes use at most ${config.targets.sagaCpuMsPerOrder} ms of CPU per completed order at half load, summed over every process but the load generator; the operator console's pages answer in under ${config.targets.consolePageMs} ms (p99) while orders arrive at half load.`,
    '',
    ...results.modes.map(targetSentence),
    '',
    ...charts.flatMap((chart) => [`![${chart.title}](${chart.fileName})`, '']),
    '## How it was measured',
    '',
    config.systemPerMode
      ? '- Each mode runs on a system of its own: order, inventory, payment, orchestrator and coordinator as separate OS processes (the test harness), on fresh migrated databases and their own Kafka topics, on this machine. Before the first step, an unrecorded warm-up.'
      : '- One system serves every mode in turn (`--system shared`): order, inventory, payment, orchestrator and coordinator as separate OS processes (the test harness), on fresh migrated databases and their own Kafka topics, on this machine. Before the first step of each mode, an unrecorded warm-up.',
    `- Open loop: order *i* is due at start + *i*/rate whether or not earlier ones were answered; latency is measured from that scheduled time, so a slow system cannot hide its latency by slowing the generator (no coordinated omission). The generator's own lateness is shown as "send lag". HTTP/1.1 keep-alive, up to ${config.maxSockets} sockets, ${config.requestTimeoutMs / 1000} s timeout per request.`,
    `- Final state: ${results.finalStateObservation}`,
    results.machine.postgresTransport === 'unix socket'
      ? '- The services reach PostgreSQL through its Unix socket, as services on the same machine as their database would (`BENCH_POSTGRES_TRANSPORT=tcp` measures over TCP loopback, where each statement costs about 13% more CPU).'
      : '- The services reach PostgreSQL over TCP.',
    '- Errors: any non-2xx answer, transport failure or timeout, or an order the generator could not send.',
    `- Workload (seeded): ${config.catalog.customers} customers, ${config.catalog.skus} SKUs with ample stock, one or two lines per order; declines come from ${config.catalog.poorCustomers} customers with a zero balance.`,
    '',
    searchSection(results),
    '',
    stepSection(
      'Latency at half of the maximum rate',
      "The common workload at half of each mode's maximum sustained rate.",
      results.modes,
      (mode) => mode.halfLoad,
    ),
    '',
    processSection(results.modes),
    '',
    consoleSection(results),
    '',
    stepSection(
      'Hot SKU',
      'Every order is for the same SKU (ample stock), so every reservation locks the same row.',
      results.modes,
      (mode) => mode.hotSku,
    ),
    '',
    stepSection(
      `${Math.round(config.declineShare * 100)}% payment declines`,
      'A share of the orders comes from customers whose balance cannot cover them: those are cancelled (PAYMENT_DECLINED) after their stock was reserved and released again. Confirmed and cancelled latencies are shown apart.',
      results.modes,
      (mode) => mode.declines,
    ),
    '',
    pauseSection(results),
    '',
    crashSection(results),
    '',
    commitsSection(results),
    '',
    'Raw figures: `results.json` beside this report.',
    '',
  ].join('\n');
}
