import { Module, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@dtx/contracts';
import { Messaging } from '@dtx/service-platform';
import { choreographyHandlers, orchestrationHandlers } from './order-handlers.js';
import { OrderMetrics } from './order-metrics.js';
import { OrderPlacementService } from './order-placement.service.js';
import { OrderQueriesService } from './order-queries.service.js';

@Module({
  providers: [OrderPlacementService, OrderQueriesService, OrderMetrics],
  exports: [OrderPlacementService, OrderQueriesService],
})
export class OrderFeatureModule implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.consume([Topics.inventoryEvents, Topics.paymentEvents, Topics.orderCommands], {
      ...choreographyHandlers(),
      ...orchestrationHandlers(),
    });
  }
}
