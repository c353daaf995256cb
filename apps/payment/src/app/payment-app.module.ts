import { Module, type DynamicModule } from '@nestjs/common';
import { createPaymentDatabaseClient } from '@dtx/payment-data-access';
import { PaymentFeatureModule } from '@dtx/payment-feature';
import { ServicePlatformModule } from '@dtx/service-platform';
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
      ],
      controllers: [AccountsController],
    };
  }
}
