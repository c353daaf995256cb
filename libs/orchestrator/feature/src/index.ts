export { createOrderSaga, type CreateOrderSagaData } from './lib/create-order/create-order.saga.js';
export { OrchestratorFeatureModule, type OrchestratorOptions } from './lib/orchestrator-feature.module.js';
export { SagaQueriesService } from './lib/saga-queries.service.js';
export type { SagaView } from '@dtx/orchestrator-data-access';
