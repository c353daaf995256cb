import type { DispatcherMetrics } from '@dtx/inbox';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';

/** Prometheus counters of the outbox and the consumers. */
export class MessagingMetrics {
  readonly outboxPublished: Counter<'from'>;
  readonly relayLag: Histogram;
  private readonly handlingTime: Histogram<'type'>;
  private readonly handled: Counter<'type'>;
  private readonly duplicates: Counter<'type'>;
  private readonly deadLettered: Counter<'reason'>;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.outboxPublished = new Counter({
      name: 'outbox_published_total',
      help: 'Outbox rows published to Kafka, by where the relay read them: their announcement or the table',
      labelNames: ['from'],
      registers,
    });
    this.relayLag = new Histogram({
      name: 'outbox_relay_lag_seconds',
      help: 'Time from an outbox row being written to it being published',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.handlingTime = new Histogram({
      name: 'message_handling_seconds',
      help: 'Time from receiving a message to committing its effect, retries included, by type',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.handled = new Counter({
      name: 'messages_handled_total',
      help: 'Messages handled, by type',
      labelNames: ['type'],
      registers,
    });
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

  /** Gauges read at scrape time: the outbox backlog and the age of its oldest row. */
  watchBacklog(registry: MetricsRegistry, backlog: () => Promise<{ pending: number; oldestAgeSeconds: number }>): void {
    const registers = [registry];
    let latest: Promise<{ pending: number; oldestAgeSeconds: number }> | undefined;
    const read = () => (latest ??= backlog().finally(() => setTimeout(() => (latest = undefined), 0)));
    new Gauge({
      name: 'outbox_pending_messages',
      help: 'Outbox rows not yet published',
      registers,
      async collect() {
        this.set((await read().catch(() => ({ pending: Number.NaN }))).pending);
      },
    });
    new Gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'How long the oldest unpublished outbox row has waited',
      registers,
      async collect() {
        this.set((await read().catch(() => ({ oldestAgeSeconds: Number.NaN }))).oldestAgeSeconds);
      },
    });
  }

  forDispatcher(): DispatcherMetrics {
    return {
      handled: (type) => this.handled.inc({ type }),
      handlingTime: (type, seconds) => this.handlingTime.observe({ type }, seconds),
      duplicate: (type) => this.duplicates.inc({ type }),
      deadLettered: (reason) => this.deadLettered.inc({ reason }),
    };
  }
}
