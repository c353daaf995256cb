import pg from 'pg';

/** Which edges of its transaction travel with a statement: the BEGIN before it, the COMMIT after it. */
export interface TransactionEdges {
  begin: boolean;
  commit: boolean;
}

/** The protocol messages pg.Query writes a statement with (pg/lib/connection.js). */
interface ProtocolConnection {
  parse(message: { text: string }): void;
  bind(message: object): void;
  execute(message: object): void;
}

/** The hooks of pg.Query (pg/lib/query.js) that a bracketed statement extends; they are not in pg's type declarations. */
interface QueryHooks {
  prepare(connection: ProtocolConnection): void;
  handleCommandComplete(message: { text: string }, connection: ProtocolConnection): void;
}

const queryHooks = pg.Query.prototype as unknown as QueryHooks;

/** Parse, Bind and Execute of a statement without parameters, through the unnamed statement. */
function sendUnnamed(connection: ProtocolConnection, text: string): void {
  connection.parse({ text });
  connection.bind({});
  connection.execute({});
}

/**
 * A named statement sent in one round trip with the BEGIN that opens its
 * transaction and/or the COMMIT that closes it.
 *
 * In PostgreSQL's extended protocol the server answers only at a Sync, so
 * BEGIN, the statement and COMMIT, followed by one Sync, cost one write and
 * one read on each side instead of three. An error skips everything up to the
 * Sync: if the statement fails, the COMMIT after it never runs.
 *
 * The BEGIN goes after the statement's Parse and just before its Bind: pg
 * records a named statement as parsed when any ParseComplete arrives, so a
 * BEGIN parsed first would have it recorded even if its own Parse then
 * failed. (An unnamed statement would be replaced by the BEGIN's unnamed
 * Parse; the transaction sends those with a BEGIN of their own.) The COMMIT
 * goes right after the statement's Execute, so that a statement that could
 * not even be bound never commits the transaction.
 */
class BracketedStatement extends pg.Query {
  constructor(
    config: pg.QueryConfig & { name: string },
    private readonly edges: TransactionEdges,
    callback: (error: Error | undefined, result: pg.QueryResult) => void,
  ) {
    super(config, callback as never);
  }

  prepare(connection: ProtocolConnection): void {
    const { begin, commit } = this.edges;
    const withEdges: ProtocolConnection = Object.create(connection, {
      bind: {
        value: (message: object) => {
          if (begin) {
            sendUnnamed(connection, 'BEGIN');
          }
          connection.bind(message);
        },
      },
      execute: {
        value: (message: object) => {
          connection.execute(message);
          if (commit) {
            sendUnnamed(connection, 'COMMIT');
          }
        },
      },
    }) as ProtocolConnection;
    queryHooks.prepare.call(this, withEdges);
  }

  /** The result is the statement's: the completions of BEGIN and COMMIT are not. */
  handleCommandComplete(message: { text: string }, connection: ProtocolConnection): void {
    if ((this.edges.begin && message.text === 'BEGIN') || (this.edges.commit && message.text === 'COMMIT')) {
      return;
    }
    queryHooks.handleCommandComplete.call(this, message, connection);
  }
}

/** Runs a named statement with the edges of its transaction that travel with it; resolves with the statement's result. */
export function queryBracketed(
  client: pg.ClientBase,
  config: pg.QueryConfig & { name: string },
  edges: TransactionEdges,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    void client.query(
      new BracketedStatement(config, edges, (error, result) => (error ? reject(error) : resolve(result))),
    );
  });
}
