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

/** A TransactionRunner on a node-postgres pool, for code that does not use Prisma. */
export function pgTransactionRunner(pool: pg.Pool): TransactionRunner {
  return async (work) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PgTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}
