import pg from 'pg';

/** How a service connects: one pool per process, sized and bounded here. */
export interface SqlPoolOptions {
  databaseUrl: string;
  /** Shown in pg_stat_activity, e.g. the service's name. */
  applicationName: string;
  /** Connections at most (default 10). */
  size?: number;
  /** A statement running longer is cancelled (0: no limit; not given: the role's default). */
  statementTimeoutMs?: number;
  /** A statement waiting longer for a lock fails (0: waits as long as the statement may run; not given: the role's default). */
  lockTimeoutMs?: number;
  /** A session idle inside an open transaction longer is ended, releasing its locks (0: no limit; not given: the role's default). */
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
  const settings = sessionSettings(options);
  const pool = new pg.Pool({
    // node-postgres lets a URL's options override the ones given here; sessionSettings keeps them.
    connectionString: withoutOptions(options.databaseUrl),
    application_name: options.applicationName,
    max: options.size ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    ...(settings ? { options: settings } : {}),
  });
  // An idle connection the server closes must not take the process down; the pool replaces it.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/**
 * The pool's timeouts as the `options` a connection sends when it starts
 * (`-c statement_timeout=...`), after any the URL carries. Settings sent this
 * way take precedence over the role's defaults (`ALTER ROLE ... SET`), so the
 * service's configuration decides, a 0 (no limit) included: node-postgres's own
 * `statement_timeout` and `lock_timeout` options leave out a 0, which would
 * let the role's default apply instead.
 */
export function sessionSettings(options: SqlPoolOptions): string | undefined {
  const settings = [
    ['statement_timeout', options.statementTimeoutMs],
    ['lock_timeout', options.lockTimeoutMs],
    ['idle_in_transaction_session_timeout', options.idleInTransactionTimeoutMs],
  ] as const;
  const fromUrl = new URL(options.databaseUrl).searchParams.get('options');
  const sent = settings.flatMap(([name, value]) => (value === undefined ? [] : [`-c ${name}=${Math.trunc(value)}`]));
  return [...(fromUrl ? [fromUrl] : []), ...sent].join(' ') || undefined;
}

function withoutOptions(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.searchParams.has('options')) {
    return databaseUrl;
  }
  url.searchParams.delete('options');
  return url.toString();
}
