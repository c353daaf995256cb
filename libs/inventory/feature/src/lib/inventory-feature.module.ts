import { Module, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@dtx/contracts';
import { Messaging } from '@dtx/service-platform';
import { choreographyHandlers, orchestrationHandlers } from './inventory-handlers.js';
import { StockService } from './stock.service.js';

@Module({
  providers: [StockService],
  exports: [StockService],
})
export class InventoryFeatureModule implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.consume([Topics.orderEvents, Topics.inventoryCommands], {
      ...choreographyHandlers(),
      ...orchestrationHandlers(),
    });
  }
}
