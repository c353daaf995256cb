import { Module, type OnModuleInit } from '@nestjs/common';
import { Messaging } from '@dtx/service-platform';
import { lockStockFirst, sagaStepHandlers, settlementHandlers } from './inventory-handlers.js';
import { StockService } from './stock.service.js';

@Module({
  providers: [StockService],
  exports: [StockService],
})
export class InventoryFeatureModule implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.consume(sagaStepHandlers(), 'saga-steps', lockStockFirst);
    this.messaging.consume(settlementHandlers(), 'settlement', lockStockFirst);
  }
}
