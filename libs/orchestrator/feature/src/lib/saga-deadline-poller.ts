import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Messaging } from '@dtx/service-platform';
import { errorMessage, sleep } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import { SagaOrchestrator } from './saga-orchestrator.js';

export const DEADLINE_POLL_INTERVAL_MS = Symbol('DEADLINE_POLL_INTERVAL_MS');

/**
 * Fires the sagas' durable timers. The deadlines live in the database, so a
 * timer set before a crash fires after the restart; several orchestrators
 * can poll at once (due rows are locked with SKIP LOCKED).
 *
 * After a start it waits until the reply consumer has joined its group, and
 * gives every overdue reply a fresh timeout first: while the orchestrator was
 * down, replies could not be read, so that time says nothing about the
 * participants.
 */
@Injectable()
export class SagaDeadlinePoller implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly orchestrator: SagaOrchestrator,
    private readonly messaging: Messaging,
    @Inject(DEADLINE_POLL_INTERVAL_MS) private readonly intervalMs: number,
    private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    await Promise.race([this.messaging.consumersJoined(), this.whileRunning()]);
    if (this.running) {
      const extended = await this.orchestrator.restartOverdueReplyTimers().catch((error: unknown) => {
        this.logger.warn({ err: error }, `saga timers: ${errorMessage(error)}`);
        return 0;
      });
      this.logger.info({ extended }, 'saga timers started');
    }
    while (this.running) {
      try {
        const fired = await this.orchestrator.fireDueDeadlines();
        if (fired > 0) {
          continue;
        }
      } catch (error) {
        this.logger.warn({ err: error }, `saga timers: ${errorMessage(error)}; retrying`);
      }
      await sleep(this.intervalMs);
    }
  }

  private async whileRunning(): Promise<void> {
    while (this.running) {
      await sleep(this.intervalMs);
    }
  }
}
