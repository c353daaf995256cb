export * from './generated/prisma/client.js';
export { createCoordinatorDatabaseClient, type CoordinatorDatabaseClient } from './lib/database-client.js';
export {
  TransactionLog,
  transactionView,
  type CollectedVote,
  type DeliveryReport,
  type LoggedDecision,
  type LoggedTransaction,
} from './lib/transaction-log.js';
