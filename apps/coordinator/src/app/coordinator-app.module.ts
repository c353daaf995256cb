import { Module, type DynamicModule } from '@nestjs/common';
import { createCoordinatorDatabaseClient } from '@dtx/coordinator-data-access';
import { CoordinatorFeatureModule } from '@dtx/coordinator-feature';
import { ServicePlatformModule, serviceTokensFor } from '@dtx/service-platform';
import type { CoordinatorConfig } from './coordinator.config.js';
import { CrashPointController } from './crash-point.controller.js';
import { TransactionsController } from './transactions.controller.js';

@Module({})
export class CoordinatorAppModule {
  static register(config: CoordinatorConfig): DynamicModule {
    return {
      module: CoordinatorAppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'coordinator',
          config,
          createDatabaseClient: createCoordinatorDatabaseClient,
        }),
        CoordinatorFeatureModule.register({
          participantUrls: {
            order: config.ORDER_SERVICE_URL,
            inventory: config.INVENTORY_SERVICE_URL,
            payment: config.PAYMENT_SERVICE_URL,
          },
          serviceTokens: serviceTokensFor(config, config.AUTH_COORDINATOR_CLIENT_ID),
          prepareTimeoutMs: config.PREPARE_TIMEOUT_MS,
          phaseTwoRetryIntervalMs: config.PHASE_TWO_RETRY_INTERVAL_MS,
          maxConcurrentTransactions: config.MAX_CONCURRENT_TRANSACTIONS,
        }),
      ],
      controllers: [TransactionsController, ...(config.ENABLE_FAULT_INJECTION ? [CrashPointController] : [])],
    };
  }
}
