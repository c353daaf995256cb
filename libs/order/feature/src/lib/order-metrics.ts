import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { countOrdersByOutcome, type OrderDatabaseClient } from '@dtx/order-data-access';
import { DATABASE, MetricsRegistry } from '@dtx/service-platform';
import { Gauge } from 'prom-client';

/**
 * `orders{mode,status,reason}`: how many orders each saga mode confirmed,
 * cancelled (and why) or still has pending; read from the orders table at
 * scrape time, so it is exact and survives restarts.
 */
@Injectable()
export class OrderMetrics implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly database: OrderDatabaseClient,
    private readonly registry: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    const database = this.database;
    new Gauge({
      name: 'orders',
      help: 'Orders by saga mode, status and cancellation reason',
      labelNames: ['mode', 'status', 'reason'],
      registers: [this.registry],
      async collect() {
        // A scrape must answer even while the database does not: then the series are simply absent.
        const groups = await countOrdersByOutcome(database).catch(() => []);
        this.reset();
        for (const group of groups) {
          this.set({ mode: group.mode, status: group.status, reason: group.reason ?? '' }, group.count);
        }
      },
    });
  }
}
