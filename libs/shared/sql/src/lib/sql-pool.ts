import pg from 'pg';

/** How a service connects: one pool per process, sized and bounded here. */
export interface SqlPoolOptions {
  databaseUrl: string;
  /** Shown in pg_stat_activity, e.g. the service's name. */
  applicationName: string;
  /** Connections at most (default 10). */
  size?: number;
  /** A statement running longer is cancelled (0: no limit). */
  statementTimeoutMs?: number;
  /** A statement waiting longer for a lock fails (0: waits as long as the statement may run). */
  lockTimeoutMs?: number;
  /** A session idle inside an open transaction longer is ended, releasing its locks (0: no limit). */
  idleInTransactionTimeoutMs?: number;
  /** An idle connection the server closed; the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

export const DEFAULT_POOL_SIZE = 10;

/**
 * The service's one node-postgres pool. Message handling, the outbox and its
 * relay, 2PC and Prisma's reads all share it, so `size` is the most
 * connections a replica opens (plus the relay's one LISTEN connection).
 */
export function createSqlPool(options: SqlPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    application_name: options.applicationName,
    max: options.size ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    ...(options.idleInTransactionTimeoutMs
      ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }
      : {}),
  });
  // An idle connection the server closes must not take the process down; the pool replaces it.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
