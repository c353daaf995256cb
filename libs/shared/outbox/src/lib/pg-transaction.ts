import type pg from 'pg';
import type { SqlTransaction, TransactionRunner } from './sql-transaction.js';

/** SqlTransaction over a node-postgres client that is inside BEGIN. */
export class PgTransaction implements SqlTransaction {
  constructor(private readonly client: pg.PoolClient) {}

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(query, values)).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(query, values)).rows as T;
  }
}

/**
 * Checks a client out of the pool for `work`. A connection the server ends
 * while the client is checked out (PostgreSQL restarting, say) fails the
 * work instead of surfacing as an uncaught 'error' event that would end the
 * process, and the broken client is discarded rather than returned.
 */
export async function withPooledClient<Result>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => (lost = error);
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

/** A TransactionRunner on a node-postgres pool, for code that does not use Prisma. */
export function pgTransactionRunner(pool: pg.Pool): TransactionRunner {
  return (work) =>
    withPooledClient(pool, async (client) => {
      try {
        await client.query('BEGIN');
        const result = await work(new PgTransaction(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
}
