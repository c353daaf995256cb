import type pg from 'pg';
import { queryBracketed, wireValue, type ParsedStatement } from './bracketed-statement.js';
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

/** Named statements that have run on each connection, so are parsed there. */
const parsedOn = new WeakMap<pg.ClientBase, Set<string>>();

/**
 * A transaction that sends its BEGIN with its first statement, a deferred
 * statement with the statement after it, and its COMMIT with the statement
 * it is told is its last (`committing`), or with the last deferred one: a
 * consumer's transaction of BEGIN, five statements and COMMIT is four round
 * trips. A transaction that runs no statement sends nothing at all.
 */
class PipelinedTransaction implements SqlTransaction {
  private state: 'not-begun' | 'open' | 'committed' = 'not-begun';
  private deferred: { config: pg.QueryConfig; values: unknown[] }[] = [];
  readonly committing: SqlExecutor = {
    query: async (text, ...values) => (await this.run(prepared(text, values), true)).rows,
    execute: async (text, ...values) => (await this.run(prepared(text, values), true)).rowCount ?? 0,
  };

  constructor(private readonly client: pg.PoolClient) {}

  async query<Row>(text: string, ...values: unknown[]): Promise<Row[]> {
    return (await this.run(prepared(text, values), false)).rows as Row[];
  }

  async execute(text: string, ...values: unknown[]): Promise<number> {
    return (await this.run(prepared(text, values), false)).rowCount ?? 0;
  }

  defer(text: string, ...values: unknown[]): void {
    this.refuseIfCommitted();
    // Converted now, so that a value that cannot be sent fails here, in its caller.
    const wire = values.map(wireValue);
    this.deferred.push({ config: prepared(text, wire), values: wire });
  }

  /** Ends the transaction, unless its last statement already committed it. */
  async commit(): Promise<void> {
    const last = this.deferred.pop();
    if (last) {
      await this.run(last.config, true);
    } else if (this.state === 'open') {
      await this.client.query('COMMIT');
    }
    this.state = 'committed';
  }

  async rollback(): Promise<void> {
    this.deferred = [];
    if (this.state === 'open') {
      await this.client.query('ROLLBACK');
    }
  }

  private async run(config: pg.QueryConfig, commit: boolean): Promise<pg.QueryResult> {
    this.refuseIfCommitted();
    const deferred = await this.takeDeferred();
    const begin = this.state === 'not-begun';
    // Open (or, after an error, aborted) from here on: it ends with COMMIT or ROLLBACK.
    this.state = 'open';
    const name = config.name;
    if (name === undefined) {
      const result = await this.alone(config, begin);
      if (commit) {
        await this.commit();
      }
      return result;
    }
    const result = await queryBracketed(this.client, { ...config, name }, { begin, deferred, commit });
    this.parsed().add(name);
    if (commit) {
      this.state = 'committed';
    }
    return result;
  }

  /** The deferred statements that can travel with the next one; those not yet parsed on this connection run first, on their own. */
  private async takeDeferred(): Promise<ParsedStatement[]> {
    const waiting = this.deferred;
    this.deferred = [];
    const parsed = this.parsed();
    const ready: ParsedStatement[] = [];
    for (const { config, values } of waiting) {
      if (config.name !== undefined && parsed.has(config.name)) {
        ready.push({ name: config.name, values });
        continue;
      }
      const begin = this.state === 'not-begun';
      // Open before it is sent: if it fails, the transaction must still be rolled back.
      this.state = 'open';
      await this.alone(config, begin, ready);
      if (config.name !== undefined) {
        parsed.add(config.name);
      }
      ready.length = 0;
    }
    return ready;
  }

  /** A statement in a round trip of its own, after the deferred statements ready before it. */
  private async alone(config: pg.QueryConfig, begin: boolean, deferred: ParsedStatement[] = []) {
    if (begin) {
      await this.client.query('BEGIN');
    }
    for (const statement of deferred) {
      await this.client.query({ name: statement.name, text: '', values: statement.values });
    }
    return this.client.query(config);
  }

  private parsed(): Set<string> {
    let names = parsedOn.get(this.client);
    if (names === undefined) {
      names = new Set();
      parsedOn.set(this.client, names);
    }
    return names;
  }

  private refuseIfCommitted(): void {
    if (this.state === 'committed') {
      throw new Error('the transaction is committed: no statement may follow its last one');
    }
  }
}

/**
 * The TransactionRunner of a pool: BEGIN, work, COMMIT (ROLLBACK if work
 * throws before its last statement committed), with BEGIN and COMMIT sent
 * along with the statements next to them.
 */
export function transactionRunner(pool: pg.Pool): TransactionRunner {
  return (work) =>
    withPooledClient(pool, async (client) => {
      const tx = new PipelinedTransaction(client);
      try {
        const result = await work(tx);
        await tx.commit();
        return result;
      } catch (error) {
        await tx.rollback().catch(() => undefined);
        throw error;
      }
    });
}
