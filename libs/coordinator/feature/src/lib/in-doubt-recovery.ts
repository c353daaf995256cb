import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { errorMessage } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import { TransactionLog } from '@dtx/coordinator-data-access';
import { TwoPhaseCoordinator } from './two-phase-coordinator.js';

export const RECOVERY_OPTIONS = Symbol('RECOVERY_OPTIONS');

export interface RecoveryOptions {
  /** How often unfinished transactions are looked for. */
  intervalMs: number;
}

/**
 * Finishes what a crash or an unreachable participant left unfinished, at
 * start-up and then every interval: an undecided transaction that nothing
 * here is running is aborted (presumed abort); a logged decision that some
 * participant has not acknowledged is sent again, for as long as it takes.
 */
@Injectable()
export class InDoubtRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly log: TransactionLog,
    private readonly coordinator: TwoPhaseCoordinator,
    private readonly logger: PinoLogger,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass over every unfinished transaction. */
  async recover(): Promise<void> {
    for (const { id, state } of await this.log.unfinished(500)) {
      if (this.stopped || this.coordinator.isRunning(id)) {
        continue;
      }
      if (state === 'PREPARING') {
        await this.coordinator.presumeAbort(id);
      } else {
        await this.coordinator.deliverDecision(id);
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.pass = this.recover()
        .catch((error: unknown) =>
          this.logger.error({ err: errorMessage(error) }, 'recovery pass failed; trying again'),
        )
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
  }
}
