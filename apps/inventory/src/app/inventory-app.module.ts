import { Module, type DynamicModule } from '@nestjs/common';
import { createInventoryDatabaseClient } from '@dtx/inventory-data-access';
import { InventoryFeatureModule, prepareStockSale } from '@dtx/inventory-feature';
import { ServicePlatformModule, serviceTokensFor } from '@dtx/service-platform';
import { TwoPhaseParticipantModule, unknownTransactionOptions } from '@dtx/two-phase';
import type { InventoryConfig } from './inventory.config.js';
import { InventoryController } from './inventory.controller.js';

@Module({})
export class InventoryAppModule {
  static register(config: InventoryConfig): DynamicModule {
    return {
      module: InventoryAppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'inventory',
          config,
          createDatabaseClient: createInventoryDatabaseClient,
        }),
        InventoryFeatureModule,
        TwoPhaseParticipantModule.register({
          participant: 'inventory',
          lockTimeoutMs: config.TWO_PC_LOCK_TIMEOUT_MS,
          prepare: prepareStockSale,
          unknownTransactions: unknownTransactionOptions(config, serviceTokensFor(config, 'inventory')),
        }),
      ],
      controllers: [InventoryController],
    };
  }
}
