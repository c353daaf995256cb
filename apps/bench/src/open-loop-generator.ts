import { sleep } from '@dtx/util';

export interface OpenLoopOptions {
  ratePerSecond: number;
  /** Stop scheduling after this long; or use `stopWhen` for an open-ended run. */
  durationMs: number;
  /** Checked at every tick; true ends the schedule early. */
  stopWhen?: () => boolean;
  /** Requests that would exceed this many unanswered are not sent but reported as dropped (an error). */
  maxInFlight: number;
}

export interface OpenLoopHandlers {
  /** Sends request `index`; resolves once it is answered or has failed (it must not reject). */
  send(index: number, scheduledAt: number, sendLagMs: number): Promise<void>;
  dropped(index: number, scheduledAt: number): void;
}

export interface OpenLoopOutcome {
  scheduled: number;
  /** Wall-clock time (epoch ms) of the first scheduled send and just past the last one. */
  startedAt: number;
  endedAt: number;
}

/**
 * An open-loop load generator: request i is due at start + i / rate, whether or
 * not earlier requests have been answered, so a slow system cannot slow the
 * arrivals down (no coordinated omission). Callers measure latency from the
 * scheduled time (epoch ms), which includes any delay of the generator itself.
 */
export async function runOpenLoop(options: OpenLoopOptions, handlers: OpenLoopHandlers): Promise<OpenLoopOutcome> {
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.max(1, Math.round((options.durationMs / 1000) * options.ratePerSecond));
  const startMono = performance.now();
  const epochOffset = Date.now() - startMono;
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  while (next < total && !options.stopWhen?.()) {
    const now = performance.now();
    while (next < total && startMono + next * intervalMs <= now) {
      const scheduledMono = startMono + next * intervalMs;
      const scheduledAt = epochOffset + scheduledMono;
      if (inFlight.size >= options.maxInFlight) {
        handlers.dropped(next, scheduledAt);
      } else {
        const sending = handlers.send(next, scheduledAt, now - scheduledMono).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
      next++;
    }
    if (next < total) {
      await sleep(Math.max(0, startMono + next * intervalMs - performance.now()));
    }
  }
  const endedAt = epochOffset + startMono + next * intervalMs;
  await Promise.all(inFlight);
  return { scheduled: next, startedAt: epochOffset + startMono, endedAt };
}
