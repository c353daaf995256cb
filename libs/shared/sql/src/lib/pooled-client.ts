import type pg from 'pg';
import type { SqlExecutor, SqlTransaction, TransactionRunner } from './sql-transaction.js';

/** Statement names by text, shared by every connection of the process. */
const statementNames = new Map<string, string>();
/** A bound on distinct statement texts named; beyond it, statements are sent unnamed. */
const MAX_NAMED_STATEMENTS = 500;

/**
 * The statement as a named (prepared) one: each connection parses and plans it
 * the first time and afterwards only binds and runs it, which saves the server
 * work on every message.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `dtx_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}

/** SqlExecutor over a node-postgres client or pool, with named statements. */
export class PgExecutor implements SqlExecutor {
  constructor(private readonly client: pg.ClientBase | pg.Pool) {}

  async query<Row>(text: string, ...values: unknown[]): Promise<Row[]> {
    return (await this.client.query(prepared(text, values))).rows as Row[];
  }

  async execute(text: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(prepared(text, values))).rowCount ?? 0;
  }
}

/**
 * Checks a client out of the pool for `work`. A connection the server ends
 * while the client is checked out (PostgreSQL restarting, say) fails the
 * work instead of surfacing as an uncaught 'error' event that would end the
 * process, and the broken client is discarded rather than returned.
 */
export async function withPooledClient<Result>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<Result>,
): Promise<Result> {
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

/**
 * Runs `work` after BEGIN on a pooled client and ends the transaction with the
 * statement it returns (COMMIT, ROLLBACK or PREPARE TRANSACTION); rolls back
 * if it throws.
 */
export function inTransaction<Result>(
  pool: pg.Pool,
  work: (tx: SqlTransaction, client: pg.PoolClient) => Promise<{ result: Result; end: string }>,
): Promise<Result> {
  return withPooledClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const { result, end } = await work(new PgExecutor(client), client);
      await client.query(end);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** The TransactionRunner of a pool: BEGIN, work, COMMIT (ROLLBACK if work throws). */
export function transactionRunner(pool: pg.Pool): TransactionRunner {
  return (work) => inTransaction(pool, async (tx) => ({ result: await work(tx), end: 'COMMIT' }));
}
