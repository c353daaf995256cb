import type { RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';
import { onInterrupt } from '../interrupt.js';
import { summarizeLatencies } from '../latency-summary.js';
import { runLoad, type ModeContext } from '../load-run.js';
import type { PaymentPauseResult } from '../results.js';
import { seededRandom } from '../seeded-random.js';
import { countBy, finalLatency } from '../step-summary.js';
import { mixedOrders, type Catalog } from '../workload.js';

/**
 * Freezes the payment service (SIGSTOP) for the pause while orders keep
 * arriving at `rate`, then resumes it (SIGCONT): how many orders the mode
 * accepted while payment could not answer, and how long until all were final.
 */
export async function measurePaymentPause(
  context: ModeContext,
  system: RunningSystem,
  catalog: Catalog,
  rate: number,
): Promise<PaymentPauseResult> {
  const { config } = context;
  const pid = system.process('payment').pid;
  const resume = () => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  };
  // Whatever happens (also Ctrl-C), payment must not stay frozen: a stopped process never exits on SIGTERM.
  const forget = onInterrupt(async () => resume());
  let resumedAt = Number.POSITIVE_INFINITY;
  try {
    process.kill(pid, 'SIGSTOP');
    const resumer = sleep(config.pauseSeconds * 1000).then(() => {
      resume();
      resumedAt = Date.now();
    });
    const planner = mixedOrders(catalog, seededRandom(`${config.seed}:payment-pause`), { declineShare: 0 });
    const run = await runLoad(context, {
      label: 'payment-pause',
      rate,
      durationMs: config.pauseSeconds * 1000,
      planner,
    });
    await resumer;
    return summarizePause(run.records, { rate, pauseSeconds: config.pauseSeconds, resumedAt });
  } finally {
    resume();
    forget();
  }
}

function summarizePause(
  records: Awaited<ReturnType<typeof runLoad>>['records'],
  pause: { rate: number; pauseSeconds: number; resumedAt: number },
): PaymentPauseResult {
  const answeredDuringPause = (order: (typeof records)[number]) =>
    order.answeredAt !== null && order.answeredAt <= pause.resumedAt;
  const errored = records.filter((order) => order.error !== null);
  const accepted = records.filter((order) => order.error === null);
  const final = accepted.filter((order) => order.finalStatus !== null);
  const cancelled = final.filter((order) => order.finalStatus === 'CANCELLED');
  const unfinished = accepted.length - final.length;
  const lastFinal = Math.max(...final.map((order) => order.finalAt ?? 0));
  return {
    offeredRate: pause.rate,
    pauseSeconds: pause.pauseSeconds,
    sent: records.length,
    acceptedDuringPause: accepted.filter(
      (order) => answeredDuringPause(order) && (order.httpStatus === 202 || order.httpStatus === 201),
    ).length,
    cancelledAnswersDuringPause: accepted.filter((order) => answeredDuringPause(order) && order.httpStatus === 200)
      .length,
    unansweredAtResume: records.filter((order) => order.scheduledAt <= pause.resumedAt && !answeredDuringPause(order))
      .length,
    errors: errored.length,
    errorKinds: countBy(errored.map((order) => order.error ?? '')),
    confirmed: final.length - cancelled.length,
    cancelled: cancelled.length,
    cancelReasons: countBy(cancelled.map((order) => order.reason ?? 'unknown')),
    unfinished,
    allFinalAfterResumeMs:
      unfinished === 0 && final.length > 0 ? Math.max(0, Math.round(lastFinal - pause.resumedAt)) : null,
    latencyMs: summarizeLatencies(final.map(finalLatency).filter((value): value is number => value !== null)),
  };
}
