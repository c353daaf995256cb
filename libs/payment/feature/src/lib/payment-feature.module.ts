import { Module, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@dtx/contracts';
import { Messaging } from '@dtx/service-platform';
import { AccountsService } from './accounts.service.js';
import { choreographyHandlers, orchestrationHandlers } from './payment-handlers.js';

@Module({
  providers: [AccountsService],
  exports: [AccountsService],
})
export class PaymentFeatureModule implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.consume([Topics.inventoryEvents, Topics.orderEvents, Topics.paymentCommands], {
      ...choreographyHandlers(),
      ...orchestrationHandlers(),
    });
  }
}
