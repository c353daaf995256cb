import { percentile, summarizeLatencies } from './latency-summary.js';
import type { OrderRecord } from './load-run.js';
import type { ProcessUsage } from './process-usage.js';
import type { StepResult } from './results.js';

export interface StepCriteria {
  passP99Ms: number;
  minCompletedShare: number;
  graceMs: number;
}

/** How often each value occurs, most frequent first. */
export function countBy(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((left, right) => right[1] - left[1]));
}

/** Latency of a final order: from its scheduled send to its final state. */
export const finalLatency = (order: OrderRecord): number | null =>
  order.finalAt === null ? null : Math.max(0, order.finalAt - order.scheduledAt);

const latenciesOf = (orders: readonly OrderRecord[]) =>
  orders.map(finalLatency).filter((value): value is number => value !== null);

/**
 * The figures of one fixed-rate step and whether it passed: p99 under the
 * bound, no errors, every accepted order final within the grace period after
 * the last send, and at least the given share of the offered rate completed.
 */
export function summarizeStep(
  records: readonly OrderRecord[],
  step: {
    label: string;
    offeredRate: number;
    seconds: number;
    endedAt: number;
    cpuBusyShare?: number | null;
    processes?: readonly ProcessUsage[];
  },
  criteria: StepCriteria,
): StepResult {
  const errored = records.filter((order) => order.error !== null);
  const accepted = records.filter((order) => order.error === null);
  const final = accepted.filter((order) => order.finalStatus !== null);
  const confirmed = final.filter((order) => order.finalStatus === 'CONFIRMED');
  const cancelled = final.filter((order) => order.finalStatus === 'CANCELLED');
  const unfinished = accepted.length - final.length;
  const finalWithinGrace = final.filter(
    (order) => (order.finalAt ?? Infinity) <= step.endedAt + criteria.graceMs,
  ).length;
  const completedRate = Math.round((finalWithinGrace / step.seconds) * 10) / 10;
  const latencyMs = summarizeLatencies(latenciesOf(final));
  const answers = records
    .filter((order) => order.answeredAt !== null)
    .map((order) => (order.answeredAt ?? 0) - order.scheduledAt);
  const sendLags = records.map((order) => order.sendLagMs).sort((left, right) => left - right);
  const sendLagP99 = percentile(sendLags, 99);
  const lastFinal = Math.max(...final.map((order) => order.finalAt ?? 0));

  const failedBecause: string[] = [];
  if (errored.length > 0) {
    const [kind] = Object.keys(countBy(errored.map((order) => order.error ?? '')));
    failedBecause.push(`${errored.length} errors (${kind})`);
  }
  if (unfinished > 0) {
    failedBecause.push(`${unfinished} never final`);
  }
  if (final.length - finalWithinGrace > 0) {
    failedBecause.push(`${final.length - finalWithinGrace} final later than ${criteria.graceMs} ms after the step`);
  }
  if (latencyMs.p99 !== null && latencyMs.p99 >= criteria.passP99Ms) {
    failedBecause.push(`p99 ${latencyMs.p99} ms >= ${criteria.passP99Ms} ms`);
  }
  if (completedRate < criteria.minCompletedShare * step.offeredRate) {
    failedBecause.push(
      `completed ${completedRate}/s < ${Math.round(criteria.minCompletedShare * 100)}% of ${step.offeredRate}/s`,
    );
  }
  return {
    label: step.label,
    offeredRate: step.offeredRate,
    seconds: step.seconds,
    scheduled: records.length,
    accepted: accepted.length,
    errors: errored.length,
    errorKinds: countBy(errored.map((order) => order.error ?? '')),
    confirmed: confirmed.length,
    cancelled: cancelled.length,
    cancelReasons: countBy(cancelled.map((order) => order.reason ?? 'unknown')),
    unfinished,
    finalWithinGrace,
    completedRate,
    latencyMs,
    confirmedLatencyMs: summarizeLatencies(latenciesOf(confirmed)),
    cancelledLatencyMs: summarizeLatencies(latenciesOf(cancelled)),
    answerLatencyMs: summarizeLatencies(answers),
    sendLagP99Ms: sendLagP99 === null ? null : Math.round(sendLagP99 * 10) / 10,
    drainMs: unfinished === 0 && final.length > 0 ? Math.max(0, Math.round(lastFinal - step.endedAt)) : null,
    cpuBusyShare: step.cpuBusyShare ?? null,
    ...perOrderUsage(step.processes ?? [], final.length),
    passed: failedBecause.length === 0,
    failedBecause,
  };
}

/** CPU and read and write calls per final order, in all and per process (to a tenth); null without final orders or processes. */
function perOrderUsage(
  processes: readonly ProcessUsage[],
  finalOrders: number,
): Pick<StepResult, 'cpuMsPerOrder' | 'readWriteCallsPerOrder' | 'processes'> {
  const perOrder = (amount: number) => (finalOrders > 0 ? Math.round((amount / finalOrders) * 10) / 10 : null);
  const sum = (of: (process: ProcessUsage) => number) => processes.reduce((total, process) => total + of(process), 0);
  return {
    cpuMsPerOrder: processes.length > 0 ? perOrder(sum((process) => process.cpuMs)) : null,
    readWriteCallsPerOrder: processes.length > 0 ? perOrder(sum((process) => process.readWriteCalls)) : null,
    processes: processes.map((process) => ({
      ...process,
      cpuMsPerOrder: perOrder(process.cpuMs),
      readWriteCallsPerOrder: perOrder(process.readWriteCalls),
    })),
  };
}
