import { Module, type DynamicModule } from '@nestjs/common';
import { createOrchestratorDatabaseClient } from '@dtx/orchestrator-data-access';
import { ServicePlatformModule } from '@dtx/service-platform';
import type { OrchestratorConfig } from './orchestrator.config.js';

@Module({})
export class OrchestratorAppModule {
  static register(config: OrchestratorConfig): DynamicModule {
    return {
      module: OrchestratorAppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'orchestrator',
          config,
          createDatabaseClient: createOrchestratorDatabaseClient,
        }),
      ],
    };
  }
}
