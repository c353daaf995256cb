import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { errorMessage, sleep } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import { SagaOrchestrator } from './saga-orchestrator.js';

export const DEADLINE_POLL_INTERVAL_MS = Symbol('DEADLINE_POLL_INTERVAL_MS');

/**
 * Fires the sagas' durable timers. The deadlines live in the database, so a
 * timer set before a crash fires after the restart; several orchestrators
 * can poll at once (due rows are locked with SKIP LOCKED).
 */
@Injectable()
export class SagaDeadlinePoller implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly orchestrator: SagaOrchestrator,
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
}
