import { Module, type DynamicModule } from '@nestjs/common';
import { createPaymentDatabaseClient } from '@dtx/payment-data-access';
import { ServicePlatformModule } from '@dtx/service-platform';
import type { PaymentConfig } from './payment.config.js';

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
      ],
    };
  }
}
