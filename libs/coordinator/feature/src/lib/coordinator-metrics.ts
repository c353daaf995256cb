import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { TwoPhaseOutcome, TwoPhaseParticipantName } from '@dtx/contracts';
import { MetricsRegistry } from '@dtx/service-platform';
import { Counter, Gauge, Histogram } from 'prom-client';
import { TransactionLog } from '@dtx/coordinator-data-access';

/**
 * `dtx_2pc_in_doubt_transactions{state}`: transactions not finished, read from
 * the log at scrape time (PREPARING: no decision yet; COMMITTING/ABORTING:
 * decided, not yet acknowledged by every participant).
 */
@Injectable()
export class CoordinatorMetrics implements OnModuleInit {
  private readonly decisions: Counter<'outcome' | 'reason'>;
  private readonly decisionSeconds: Histogram<'outcome'>;
  private readonly deliveryFailures: Counter<'participant'>;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly log: TransactionLog,
  ) {
    this.decisions = new Counter({
      name: 'dtx_2pc_decisions_total',
      help: 'Decisions logged by the coordinator, by outcome and abort reason',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    });
    this.decisionSeconds = new Histogram({
      name: 'dtx_2pc_decision_seconds',
      help: 'From the first prepare to the logged decision',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.deliveryFailures = new Counter({
      name: 'dtx_2pc_phase_two_failures_total',
      help: 'Phase-2 messages a participant did not acknowledge (each is sent again)',
      labelNames: ['participant'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    const log = this.log;
    new Gauge({
      name: 'dtx_2pc_in_doubt_transactions',
      help: 'Transactions not finished: PREPARING (undecided), COMMITTING or ABORTING (decided, not acknowledged by all)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await log.countUnfinished().catch(() => undefined);
        if (!counts) {
          return;
        }
        for (const state of ['PREPARING', 'COMMITTING', 'ABORTING'] as const) {
          this.set({ state }, counts.get(state) ?? 0);
        }
      },
    });
  }

  decided(outcome: TwoPhaseOutcome, reason: string | undefined, seconds?: number): void {
    this.decisions.inc({ outcome, reason: reason ?? '' });
    if (seconds !== undefined) {
      this.decisionSeconds.observe({ outcome }, seconds);
    }
  }

  deliveryFailed(participant: TwoPhaseParticipantName): void {
    this.deliveryFailures.inc({ participant });
  }
}
