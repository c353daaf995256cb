import { Module, type DynamicModule } from '@nestjs/common';
import { createPaymentDatabaseClient } from '@dtx/payment-data-access';
import { PaymentFeatureModule, prepareCharge } from '@dtx/payment-feature';
import { ServicePlatformModule, serviceTokensFor } from '@dtx/service-platform';
import { TwoPhaseParticipantModule, unknownTransactionOptions } from '@dtx/two-phase';
import type { PaymentConfig } from './payment.config.js';
import { AccountsController } from './accounts.controller.js';

@Module({})
export class PaymentAppModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentAppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'payment',
          config,
          createDatabaseClient: createPaymentDatabaseClient,
        }),
        PaymentFeatureModule,
        TwoPhaseParticipantModule.register({
          participant: 'payment',
          lockTimeoutMs: config.TWO_PC_LOCK_TIMEOUT_MS,
          prepare: prepareCharge,
          unknownTransactions: unknownTransactionOptions(config, serviceTokensFor(config, 'payment')),
        }),
      ],
      controllers: [AccountsController],
    };
  }
}
