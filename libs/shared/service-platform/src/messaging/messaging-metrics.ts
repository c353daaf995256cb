import type { DispatcherMetrics } from '@dtx/inbox';
import { Counter } from 'prom-client';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';

/** Prometheus counters of the outbox and the consumers. */
export class MessagingMetrics {
  readonly outboxPublished: Counter;
  private readonly handled: Counter<'type'>;
  private readonly duplicates: Counter<'type'>;
  private readonly deadLettered: Counter<'reason'>;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.outboxPublished = new Counter({ name: 'outbox_published_total', help: 'Outbox rows published to Kafka', registers });
    this.handled = new Counter({ name: 'messages_handled_total', help: 'Messages handled, by type', labelNames: ['type'], registers });
    this.duplicates = new Counter({
      name: 'inbox_duplicates_skipped_total',
      help: 'Redelivered messages recognised by the inbox and skipped, by type',
      labelNames: ['type'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'messages_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic, by reason',
      labelNames: ['reason'],
      registers,
    });
  }

  forDispatcher(): DispatcherMetrics {
    return {
      handled: (type) => this.handled.inc({ type }),
      duplicate: (type) => this.duplicates.inc({ type }),
      deadLettered: (reason) => this.deadLettered.inc({ reason }),
    };
  }
}
