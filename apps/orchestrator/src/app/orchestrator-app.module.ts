import { Module, type DynamicModule } from '@nestjs/common';
import { createOrchestratorDatabaseClient } from '@dtx/orchestrator-data-access';
import { OrchestratorFeatureModule } from '@dtx/orchestrator-feature';
import { ServicePlatformModule } from '@dtx/service-platform';
import type { OrchestratorConfig } from './orchestrator.config.js';
import { SagasController } from './sagas.controller.js';

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
        OrchestratorFeatureModule.forRoot({
          stepPolicy: {
            timeoutMs: config.SAGA_STEP_TIMEOUT_MS,
            maxAttempts: config.SAGA_STEP_MAX_ATTEMPTS,
            patienceMs: config.SAGA_STEP_PATIENCE_MS,
            backoff: { initialDelayMs: config.SAGA_RETRY_INITIAL_DELAY_MS, maxDelayMs: config.SAGA_RETRY_MAX_DELAY_MS },
          },
          attentionAfterAttempts: config.SAGA_ATTENTION_AFTER_ATTEMPTS,
          deadlinePollIntervalMs: config.SAGA_TIMER_POLL_INTERVAL_MS,
        }),
      ],
      controllers: [SagasController],
    };
  }
}
