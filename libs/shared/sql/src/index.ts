export { inTransaction, PgExecutor, transactionRunner, withPooledClient } from './lib/pooled-client.js';
export { createSqlPool, DEFAULT_POOL_SIZE, sessionSettings, type SqlPoolOptions } from './lib/sql-pool.js';
export {
  executeOrDefer,
  type SqlExecutor,
  type SqlTransaction,
  type TransactionRunner,
} from './lib/sql-transaction.js';
export { isDatabaseUnavailable, isTransactionConflict, isUniqueViolation } from './lib/database-unavailable.js';
