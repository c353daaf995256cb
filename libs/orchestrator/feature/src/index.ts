export { createOrderSaga, type CreateOrderSagaData } from './lib/create-order/create-order.saga.js';
export { OrchestratorFeatureModule, type OrchestratorOptions } from './lib/orchestrator-feature.module.js';
export { SagaQueriesService, type SagaView } from './lib/saga-queries.service.js';
