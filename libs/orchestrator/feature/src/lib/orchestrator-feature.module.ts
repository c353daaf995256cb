import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import type { StepPolicy } from '@dtx/saga';
import { Messaging } from '@dtx/service-platform';
import { createOrderSaga } from './create-order/create-order.saga.js';
import { orchestratorHandlers } from './orchestrator-handlers.js';
import { DEADLINE_POLL_INTERVAL_MS, SagaDeadlinePoller } from './saga-deadline-poller.js';
import { SagaMetrics } from './saga-metrics.js';
import { SagaQueueProbe } from './saga-queue-probe.js';
import { CREATE_ORDER_SAGA, SagaOrchestrator } from './saga-orchestrator.js';
import { SagaQueriesService } from './saga-queries.service.js';

export interface OrchestratorOptions {
  stepPolicy: StepPolicy;
  attentionAfterAttempts: number;
  deadlinePollIntervalMs: number;
}

@Module({})
export class OrchestratorFeatureModule implements OnModuleInit {
  constructor(
    private readonly messaging: Messaging,
    private readonly orchestrator: SagaOrchestrator,
  ) {}

  static forRoot(options: OrchestratorOptions): DynamicModule {
    return {
      module: OrchestratorFeatureModule,
      providers: [
        { provide: CREATE_ORDER_SAGA, useValue: createOrderSaga(options.stepPolicy, options.attentionAfterAttempts) },
        { provide: DEADLINE_POLL_INTERVAL_MS, useValue: options.deadlinePollIntervalMs },
        SagaOrchestrator,
        SagaMetrics,
        SagaQueueProbe,
        SagaDeadlinePoller,
        SagaQueriesService,
      ],
      exports: [SagaQueriesService],
    };
  }

  onModuleInit(): void {
    this.messaging.consume(orchestratorHandlers(this.orchestrator));
  }
}
