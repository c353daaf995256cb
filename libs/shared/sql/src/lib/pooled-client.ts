import type pg from 'pg';
import { queryPipelined, wireValue, type PipelinedStatement } from './statement-pipeline.js';
import type { SqlExecutor, SqlTransaction, TransactionRunner } from './sql-transaction.js';

/** Statement names by text, shared by every connection of the process. */
const statementNames = new Map<string, string>();
/** A bound on distinct statement texts named; beyond it, statements are sent unnamed. */
const MAX_NAMED_STATEMENTS = 500;

/** The name a statement text is prepared under, the same on every connection; none once the bound is reached. */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `dtx_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * The statement as a named (prepared) one: each connection parses and plans it
 * the first time and afterwards only binds and runs it, which saves the server
 * work on every message.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  const name = statementName(text);
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

/** A statement asked for and not yet sent; one whose answer someone waits for has `settle`. */
interface Waiting {
  statement: PipelinedStatement;
  settle?: { resolve(result: pg.QueryResult): void; reject(error: unknown): void };
  /** The transaction's last statement: its COMMIT travels with it. */
  last?: boolean;
}

const BEGIN: PipelinedStatement = { text: 'BEGIN', values: [] };
const COMMIT: PipelinedStatement = { text: 'COMMIT', values: [] };

/** A statement with its name, if it has one, and its values converted now: one that cannot be sent fails its caller. */
function pipelined(text: string, values: unknown[]): PipelinedStatement {
  const wire = values.map(wireValue);
  const name = statementName(text);
  return name === undefined ? { text, values: wire } : { name, text, values: wire };
}

/**
 * A transaction that sends the statements asked for in one turn of the
 * event loop together, in one round trip (`queryPipelined`), with what can
 * travel with them: its BEGIN with its first statements, deferred
 * statements with the statements after them, and its COMMIT with the
 * statement it is told is its last (`committing`), or with the last
 * deferred ones. Callers that ask one statement at a time get one round trip
 * each; callers that run side by side (a batch's handlers, each for its own
 * order) share them. A transaction that runs no statement sends nothing.
 *
 * Once a round trip fails, the transaction is aborted: every statement in it
 * or asked for after it fails with that error, and the runner rolls back.
 */
class PipelinedTransaction implements SqlTransaction {
  private state: 'not-begun' | 'open' | 'committed' = 'not-begun';
  private waiting: Waiting[] = [];
  /** Its last statement was asked for: nothing may follow. */
  private ending = false;
  private sending: Promise<void> | undefined;
  private flushScheduled = false;
  private failure: { error: unknown } | undefined;
  readonly committing: SqlExecutor = {
    query: async (text, ...values) => (await this.ask(text, values, true)).rows,
    execute: async (text, ...values) => (await this.ask(text, values, true)).rowCount ?? 0,
  };

  constructor(private readonly client: pg.PoolClient) {}

  async query<Row>(text: string, ...values: unknown[]): Promise<Row[]> {
    return (await this.ask(text, values, false)).rows as Row[];
  }

  async execute(text: string, ...values: unknown[]): Promise<number> {
    return (await this.ask(text, values, false)).rowCount ?? 0;
  }

  defer(text: string, ...values: unknown[]): void {
    this.refuseAfterLast();
    this.waiting.push({ statement: pipelined(text, values) });
  }

  /** Ends the transaction, unless its last statement already committed it. */
  async commit(): Promise<void> {
    await this.idle();
    if (this.state === 'committed') {
      return;
    }
    this.rethrowFailure();
    this.ending = true;
    if (this.waiting.length > 0 || this.state === 'open') {
      await this.send(this.takeWaiting(), true);
    }
    this.state = 'committed';
  }

  async rollback(): Promise<void> {
    await this.idle();
    this.reject(this.takeWaiting(), new Error('the transaction rolled back'));
    if (this.state === 'open') {
      await this.client.query('ROLLBACK');
    }
  }

  private async ask(text: string, values: unknown[], last: boolean): Promise<pg.QueryResult> {
    this.refuseAfterLast();
    this.rethrowFailure();
    const statement = pipelined(text, values);
    this.ending ||= last;
    return new Promise((resolve, reject) => {
      this.waiting.push({ statement, settle: { resolve, reject }, last });
      this.scheduleFlush();
    });
  }

  /** Sends at the end of this turn of the event loop, so that whatever else is asked for in it travels along. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.sending) {
      return;
    }
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      // Errors reach the callers waiting for the statements.
      this.flush().catch(() => undefined);
    });
  }

  /** Sends what is waiting, if anyone waits for an answer; deferred statements alone wait for the next statement. */
  private async flush(): Promise<void> {
    if (this.sending || !this.waiting.some(({ settle }) => settle)) {
      return;
    }
    const batch = this.takeWaiting();
    await this.send(batch, batch.at(-1)?.last === true);
  }

  private send(batch: Waiting[], commit: boolean): Promise<void> {
    const begin = this.state === 'not-begun';
    // Open before anything is sent: if it fails, the transaction must still be rolled back.
    this.state = 'open';
    const statements = [
      ...(begin ? [BEGIN] : []),
      ...batch.map(({ statement }) => statement),
      ...(commit ? [COMMIT] : []),
    ];
    const first = begin ? 1 : 0;
    this.sending = queryPipelined(this.client, statements)
      .then(
        (results) => {
          if (commit) {
            this.state = 'committed';
          }
          batch.forEach(({ settle }, index) => settle?.resolve(results[first + index] as pg.QueryResult));
        },
        (error: unknown) => {
          this.failure = { error };
          this.reject([...batch, ...this.takeWaiting()], error);
          throw error;
        },
      )
      .finally(() => {
        this.sending = undefined;
        if (this.waiting.some(({ settle }) => settle)) {
          this.scheduleFlush();
        }
      });
    return this.sending;
  }

  /** Once no round trip is in flight. */
  private async idle(): Promise<void> {
    while (this.sending) {
      await this.sending.catch(() => undefined);
    }
  }

  private takeWaiting(): Waiting[] {
    const waiting = this.waiting;
    this.waiting = [];
    return waiting;
  }

  private reject(waiting: Waiting[], error: unknown): void {
    for (const { settle } of waiting) {
      settle?.reject(error);
    }
  }

  private rethrowFailure(): void {
    if (this.failure) {
      throw this.failure.error;
    }
  }

  private refuseAfterLast(): void {
    if (this.ending || this.state === 'committed') {
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
