import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repositoryRoot, testInfrastructure } from '@dtx/testing';
import type { BenchResults, ModeResult, Outcome, StepResult } from '../src/results.js';

const MODES = ['choreography', 'orchestration', '2pc'] as const;
const SCENARIOS = [
  'maxRate',
  'halfLoad',
  'consolePages',
  'hotSku',
  'declines',
  'paymentPause',
  'coordinatorCrash',
  'commits',
] as const;

interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built command as a user would (npm run bench runs the same file), bounded in time. */
async function runBench(args: string[], timeoutMs: number): Promise<BenchRun> {
  const main = join(repositoryRoot(), 'apps/bench/dist/src/main.js');
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', main, ...args], {
    cwd: repositoryRoot(),
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // SIGINT, as Ctrl-C would: the bench stops its services and drops its databases.
  const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function assertFiniteNumbers(value: unknown, path: string): void {
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${path} is ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => assertFiniteNumbers(item, `${path}[${index}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      assertFiniteNumbers(item, `${path}.${key}`);
    }
  }
}

function assertOutcome(outcome: Outcome<unknown>, path: string): void {
  assert.ok(['measured', 'skipped', 'failed'].includes(outcome.status), `${path}.status is ${outcome.status}`);
  if (outcome.status === 'skipped') {
    assert.ok(outcome.reason.length > 0, `${path} is skipped without a reason`);
  }
  if (outcome.status === 'failed') {
    assert.ok(outcome.error.length > 0, `${path} failed without an error`);
  }
}

function assertStep(step: StepResult, path: string): void {
  for (const field of [
    'offeredRate',
    'seconds',
    'scheduled',
    'accepted',
    'errors',
    'confirmed',
    'cancelled',
    'unfinished',
    'completedRate',
  ] as const) {
    assert.equal(typeof step[field], 'number', `${path}.${field}`);
  }
  assert.equal(step.scheduled, step.accepted + step.errors, `${path}: every scheduled order is accepted or an error`);
  if (step.confirmed + step.cancelled > 0) {
    assert.ok((step.cpuMsPerOrder ?? 0) > 0, `${path}.cpuMsPerOrder is measured and positive`);
    assert.ok((step.readWriteCallsPerOrder ?? 0) > 0, `${path}.readWriteCallsPerOrder is measured and positive`);
    for (const name of ['order', 'inventory', 'payment', 'orchestrator', 'coordinator', 'postgres', 'kafka']) {
      const process = step.processes.find((entry) => entry.name === name);
      assert.ok(process && process.peakRssMb > 0, `${path}: ${name}'s CPU and memory are measured`);
      if (name === 'order' || name === 'kafka') {
        assert.ok(process.readWriteCalls > 0, `${path}: ${name}'s reads and writes are counted`);
      }
    }
  }
  assert.equal(typeof step.passed, 'boolean', `${path}.passed`);
  assert.equal(step.passed, step.failedBecause.length === 0, `${path}: passed exactly when nothing failed it`);
  for (const latency of [step.latencyMs, step.confirmedLatencyMs, step.cancelledLatencyMs, step.answerLatencyMs]) {
    assert.deepEqual(Object.keys(latency).sort(), ['count', 'max', 'mean', 'p50', 'p95', 'p99', 'p999']);
  }
}

function assertSagaModeMeasured(mode: ModeResult): void {
  assert.equal(mode.maxRate.status, 'measured', `${mode.mode}.maxRate: ${JSON.stringify(mode.maxRate)}`);
  if (mode.maxRate.status !== 'measured') return;
  assert.ok(mode.maxRate.steps.length > 0, `${mode.mode} ran no step`);
  mode.maxRate.steps.forEach((step, index) => assertStep(step, `${mode.mode}.maxRate.steps[${index}]`));
  for (const scenario of ['halfLoad', 'hotSku', 'declines'] as const) {
    const outcome = mode[scenario];
    if (outcome.status === 'measured') {
      assertStep(outcome.step, `${mode.mode}.${scenario}.step`);
    }
  }
  assert.equal(mode.coordinatorCrash.status, 'skipped', 'only 2PC has a coordinator crash');
}

/** The console scenario ran beside a half-load step and timed both pages, on an order with the asked-for messages. */
function assertConsolePagesMeasured(mode: ModeResult, minimumMessages: number): void {
  if (mode.halfLoad.status !== 'measured') return;
  const pages = mode.consolePages;
  assert.equal(pages.status, 'measured', `${mode.mode}.consolePages: ${JSON.stringify(pages)}`);
  if (pages.status !== 'measured') return;
  assertStep(pages.step, `${mode.mode}.consolePages.step`);
  assert.ok(
    pages.messages.listed >= minimumMessages,
    `${mode.mode}: the page listed ${pages.messages.listed} messages`,
  );
  assert.ok(pages.orderPage.count > 0 && pages.listPage.count > 0, `${mode.mode}: both pages were timed`);
  assert.ok((pages.orderPage.p50 ?? 0) > 0, `${mode.mode}: the order page took time`);
  assert.ok(pages.console.cpuMs > 0, `${mode.mode}: the console's CPU was measured`);
  assert.equal(
    pages.met,
    pages.errors === 0 && Math.max(pages.orderPage.p99 ?? Infinity, pages.listPage.p99 ?? Infinity) < pages.targetMs,
  );
}

describe('npm run bench -- --smoke: every mode, every section, a report with charts', () => {
  let folder: string;
  let run: BenchRun;
  let results: BenchResults;

  before(
    async () => {
      await testInfrastructure();
      folder = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
      run = await runBench(['--smoke', '--modes', MODES.join(','), '--seed', '7', '--out', folder], 260_000);
      assert.equal(run.code, 0, `the bench exited with ${run.code}:\n${run.stderr.slice(-4000)}`);
      results = JSON.parse(await readFile(join(folder, 'results.json'), 'utf8')) as BenchResults;
    },
    { timeout: 275_000 },
  );
  after(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('shows progress on stderr and a summary per mode on stdout', () => {
    assert.match(run.stderr, /\[bench [\d:]+\] choreography max-rate@\d+: offered/);
    assert.match(run.stderr, /pgbench/);
    for (const mode of results.modes.filter((candidate) => candidate.consolePages.status === 'measured')) {
      assert.match(run.stderr, new RegExp(`${mode.mode} console: order page \\(\\d+ messages\\) p50 [\\d.]+ ms`));
    }
    for (const mode of MODES) {
      assert.match(run.stdout, new RegExp(`^${mode}\\s+max `, 'm'));
    }
    assert.match(run.stdout, /^report: .*report\.md$/m);
  });

  it('writes well-formed JSON: every mode with every section, finite numbers, the seed and configuration', () => {
    assert.equal(results.schemaVersion, 1);
    assert.equal(results.seed, '7');
    assert.equal(results.smoke, true);
    assert.match(results.command, /^npm run bench -- --seed 7 --smoke --modes choreography,orchestration,2pc$/);
    assert.ok(results.finalStateObservation.length > 50);
    assert.deepEqual(
      results.modes.map((mode) => mode.mode),
      [...MODES],
    );
    assertFiniteNumbers(results, 'results');
    assertOutcome(results.postgres.pgbench, 'postgres.pgbench');
    if (results.postgres.pgbench.status === 'measured') {
      assert.ok(results.postgres.pgbench.singleInsertTps > 0 && results.postgres.pgbench.simpleUpdateTps > 0);
    }
    for (const mode of results.modes) {
      for (const scenario of SCENARIOS) {
        assert.ok(mode[scenario], `${mode.mode}.${scenario} is missing`);
        assertOutcome(mode[scenario], `${mode.mode}.${scenario}`);
      }
      assert.equal(typeof mode.targets.maxRate.met, 'boolean');
      assert.equal(typeof mode.targets.p99AtHalfLoad.met, 'boolean');
      assert.equal(
        mode.targets.cpuMsPerOrderAtHalfLoad === null,
        mode.mode === '2pc',
        'a CPU target for the saga modes',
      );
    }
    for (const mode of results.modes.filter((candidate) => candidate.mode !== '2pc')) {
      assertSagaModeMeasured(mode);
      assertConsolePagesMeasured(mode, results.configuration.consoleOrderMessages);
    }
    // A 2PC order's story is its votes: it has no Kafka messages to lengthen.
    const twoPhase = results.modes.find((mode) => mode.mode === '2pc');
    assert.ok(twoPhase);
    assertConsolePagesMeasured(twoPhase, 0);
  });

  it('writes a Markdown report that embeds SVG charts lying beside it', async () => {
    const report = await readFile(join(folder, 'report.md'), 'utf8');
    assert.match(report, /^# Benchmark/);
    for (const heading of [
      '## Summary',
      '## Maximum sustained rate',
      '## Latency at half',
      '## The operator console under load',
      '## Hot SKU',
      'payment declines',
      '## Payment paused',
      '## Coordinator killed',
      "## PostgreSQL's commit rate",
    ]) {
      assert.ok(report.includes(heading), `the report has no "${heading}"`);
    }
    for (const mode of MODES) {
      assert.ok(report.includes(`**${mode}**`), `the report does not mention ${mode}`);
    }
    assert.ok(results.files.charts.length > 0, 'no charts');
    assert.equal(results.files.report, 'report.md');
    for (const chart of results.files.charts) {
      assert.match(chart, /\.svg$/);
      assert.ok(report.includes(`](${chart})`), `the report does not embed ${chart}`);
      assert.ok(existsSync(join(folder, chart)), `${chart} is missing`);
      const svg = await readFile(join(folder, chart), 'utf8');
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
  });
});
