import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@dtx/service-platform';
import { Counter, Histogram } from 'prom-client';

/** Prometheus counters of the orchestrator's sagas. */
@Injectable()
export class SagaMetrics {
  readonly started: Counter<'saga'>;
  readonly finished: Counter<'saga' | 'status' | 'reason'>;
  readonly repliesIgnored: Counter<'saga'>;
  readonly timersDeferred: Counter<'saga'>;
  readonly needingAttention: Counter<'saga'>;
  readonly stepDuration: Histogram<'saga' | 'step' | 'kind' | 'status'>;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.started = new Counter({ name: 'saga_started_total', help: 'Sagas started', labelNames: ['saga'], registers });
    this.finished = new Counter({
      name: 'saga_finished_total',
      help: 'Sagas finished, by final status (COMPLETED, COMPENSATED) and reason',
      labelNames: ['saga', 'status', 'reason'],
      registers,
    });
    this.repliesIgnored = new Counter({
      name: 'saga_replies_ignored_total',
      help: 'Replies for another step, another direction or a finished saga, recognised and not applied (fencing)',
      labelNames: ['saga'],
      registers,
    });
    this.timersDeferred = new Counter({
      name: 'saga_timers_deferred_total',
      help: 'Overdue reply timers re-armed without a resend, because the command or its reply was still queued',
      labelNames: ['saga'],
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'saga_step_duration_seconds',
      help: 'From a step (or compensation) first being sent to its final reply, attempts included',
      labelNames: ['saga', 'step', 'kind', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.needingAttention = new Counter({
      name: 'saga_needs_attention_total',
      help: 'Sagas flagged as needing attention because a step keeps failing',
      labelNames: ['saga'],
      registers,
    });
  }
}
