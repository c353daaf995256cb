import { startCpuMeasurement } from '../cpu-usage.js';
import { ProcessUsageMeter } from '../process-usage.js';
import { runLoad, type ModeContext } from '../load-run.js';
import type { StepResult } from '../results.js';
import { summarizeStep } from '../step-summary.js';
import type { OrderPlanner } from '../workload.js';

/** Runs the generator at one rate for a while, waits for stragglers, and summarizes the step. */
export async function runFixedRateStep(
  context: ModeContext,
  step: { label: string; rate: number; seconds: number; planner: OrderPlanner },
): Promise<StepResult> {
  const cpuBusyShare = startCpuMeasurement();
  const meter = new ProcessUsageMeter(context.processes);
  meter.start();
  const run = await runLoad(context, {
    label: step.label,
    rate: step.rate,
    durationMs: step.seconds * 1000,
    planner: step.planner,
  });
  return summarizeStep(
    run.records,
    {
      label: step.label,
      offeredRate: step.rate,
      seconds: step.seconds,
      endedAt: run.endedAt,
      cpuBusyShare: cpuBusyShare(),
      processes: meter.stop(),
    },
    context.config,
  );
}

/** One progress line per step. */
export function describeStep(mode: string, step: StepResult): string {
  const latency = step.latencyMs;
  const figures =
    latency.count === 0
      ? 'no order final'
      : `p50 ${latency.p50} ms, p99 ${latency.p99} ms, completed ${step.completedRate}/s`;
  const perOrder =
    step.cpuMsPerOrder === null
      ? ''
      : `, ${step.cpuMsPerOrder} ms CPU/order, ${step.readWriteCallsPerOrder} reads+writes/order`;
  const cpu = step.cpuBusyShare === null ? '' : `, CPU ${Math.round(step.cpuBusyShare * 100)}% busy${perOrder}`;
  const verdict = step.passed ? 'pass' : `fail: ${step.failedBecause.join('; ')}`;
  return `${mode} ${step.label}: offered ${step.offeredRate}/s for ${step.seconds}s, ${step.scheduled} sent, ${step.errors} errors, ${figures}${cpu} -> ${verdict}`;
}
