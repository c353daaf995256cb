import { Module, type OnModuleInit } from '@nestjs/common';
import { Messaging } from '@dtx/service-platform';
import { AccountsService } from './accounts.service.js';
import { lockAccountsOfBatchFirst, sagaStepHandlers, settlementHandlers } from './payment-handlers.js';

@Module({
  providers: [AccountsService],
  exports: [AccountsService],
})
export class PaymentFeatureModule implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.consume(sagaStepHandlers(), 'saga-steps', lockAccountsOfBatchFirst);
    this.messaging.consume(settlementHandlers(), 'settlement', lockAccountsOfBatchFirst);
  }
}
