export * from './generated/prisma/client.js';
export { createCoordinatorDatabaseClient, type CoordinatorDatabaseClient } from './lib/database-client.js';
export { TransactionLog, transactionView, type LoggedTransaction } from './lib/transaction-log.js';
