import pg from 'pg';

export interface PreparedTransaction {
  gid: string;
  database: string;
  /** When it was prepared, epoch ms. */
  preparedAt: number;
}

/**
 * Reads the cluster's own statistics about the databases of one run, from a
 * connection to the maintenance database (so its queries are not counted).
 */
export class PostgresObserver {
  private readonly client: pg.Client;

  constructor(
    adminUrl: string,
    private readonly databases: string[],
  ) {
    this.client = new pg.Client({ connectionString: adminUrl, application_name: 'bench-observer' });
    // A connection the server ends (a restart) fails the queries after it; it must not end the run unhandled.
    this.client.on('error', () => undefined);
  }

  connect(): Promise<void> {
    return this.client.connect();
  }

  /**
   * Committed transactions in the run's databases so far. PostgreSQL flushes a
   * backend's counts at most once a second while busy and ten seconds after it
   * went idle, so callers let it settle before reading.
   */
  async commitCount(): Promise<number> {
    const result = await this.client.query<{ commits: string | null }>(
      'SELECT sum(xact_commit)::text AS commits FROM pg_stat_database WHERE datname = ANY($1::text[])',
      [this.databases],
    );
    return Number(result.rows[0]?.commits ?? 0);
  }

  /** Transactions prepared (phase one of 2PC) and neither committed nor rolled back yet: each holds its locks. */
  async preparedTransactions(): Promise<PreparedTransaction[]> {
    const result = await this.client.query<{ gid: string; database: string; prepared_ms: number }>(
      `SELECT gid, database, (extract(epoch FROM prepared) * 1000)::float8 AS prepared_ms
         FROM pg_prepared_xacts WHERE database = ANY($1::text[])`,
      [this.databases],
    );
    return result.rows.map((row) => ({ gid: row.gid, database: row.database, preparedAt: row.prepared_ms }));
  }

  async setting(name: string): Promise<string> {
    const result = await this.client.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [
      name,
    ]);
    return result.rows[0]?.setting ?? 'unknown';
  }

  close(): Promise<void> {
    return this.client.end().catch(() => undefined);
  }
}

/** The database name of a postgresql:// URL. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
