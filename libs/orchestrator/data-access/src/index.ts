export * from './generated/prisma/client.js';
export { createOrchestratorDatabaseClient, type OrchestratorDatabaseClient } from './lib/database-client.js';
export {
  insertSaga,
  lockDueSagas,
  lockSaga,
  lockSagasWithOverdueReplies,
  recordIgnoredReply,
  saveSaga,
  type TracedSaga,
} from './lib/saga.repository.js';
export { findSaga, sagasOfOrder, type SagaView } from './lib/saga-views.js';
