import { Injectable } from '@nestjs/common';
import { crashPointSchema, type CrashPoint } from '@dtx/contracts';
import { sleep } from '@dtx/util';

/**
 * Where the coordinator can be made to die (SIGKILL, as `kill -9` would) or
 * stall, for the recovery tests and the benchmark:
 *   after-prepare   every participant voted YES, no decision is logged yet
 *   after-decision  the decision is logged, phase 2 has not started
 *   mid-phase-two   the first participant acknowledged, the others not yet
 * Armed through PUT /admin/crash-point (only with ENABLE_FAULT_INJECTION) and
 * spent by the next transaction that reaches the point.
 */
export const crashPointNames = crashPointSchema.options;
export type CrashPointName = CrashPoint;

export type CrashPointAction = { kind: 'kill' } | { kind: 'pause'; pauseMs: number };

@Injectable()
export class CrashPoints {
  private readonly armed = new Map<CrashPointName, CrashPointAction>();

  arm(point: CrashPointName, action: CrashPointAction): void {
    this.armed.set(point, action);
  }

  /** Called by the coordinator as it passes `point`. */
  async reached(point: CrashPointName): Promise<void> {
    const action = this.armed.get(point);
    if (!action) {
      return;
    }
    this.armed.delete(point);
    if (action.kind === 'pause') {
      await sleep(action.pauseMs);
      return;
    }
    process.kill(process.pid, 'SIGKILL');
    // SIGKILL is not delivered synchronously; nothing after this point may run.
    await new Promise<never>(() => undefined);
  }
}
