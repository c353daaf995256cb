import { Module, type DynamicModule } from '@nestjs/common';
import { createOrderDatabaseClient } from '@dtx/order-data-access';
import { OrderFeatureModule } from '@dtx/order-feature';
import { ServicePlatformModule, serviceTokensFor } from '@dtx/service-platform';
import { CatalogController } from './catalog.controller.js';
import type { OrderConfig } from './order.config.js';
import { OrdersController } from './orders.controller.js';

@Module({})
export class OrderAppModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrderAppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'order',
          config,
          createDatabaseClient: createOrderDatabaseClient,
        }),
        OrderFeatureModule.register({
          twoPhaseLockTimeoutMs: config.TWO_PC_LOCK_TIMEOUT_MS,
          unknownTransactionTimeoutMs: config.TWO_PC_UNKNOWN_TRANSACTION_TIMEOUT_MS,
          coordinatorUrl: config.COORDINATOR_URL,
          serviceTokens: serviceTokensFor(config, config.AUTH_ORDER_CLIENT_ID),
          answerTimeoutMs: config.TWO_PC_ANSWER_TIMEOUT_MS,
        }),
      ],
      controllers: [OrdersController, CatalogController],
    };
  }
}
