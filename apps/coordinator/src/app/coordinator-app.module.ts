import { Module, type DynamicModule } from '@nestjs/common';
import { createCoordinatorDatabaseClient } from '@dtx/coordinator-data-access';
import { ServicePlatformModule } from '@dtx/service-platform';
import type { CoordinatorConfig } from './coordinator.config.js';

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
      ],
    };
  }
}
