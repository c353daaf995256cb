import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';

/** A named statement that has run on the connection before (so it is parsed there), with its values ready for the wire. */
export interface ParsedStatement {
  name: string;
  values: unknown[];
}

/** What travels with a statement: the BEGIN before it, the statements deferred to it, the COMMIT after it. */
export interface Companions {
  begin: boolean;
  deferred: readonly ParsedStatement[];
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
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void;
  handleDataRow(message: unknown): void;
}

const queryHooks = pg.Query.prototype as unknown as QueryHooks;

/** How pg converts a value for the wire (Date, Buffer, arrays, objects as JSON); converting twice changes nothing. */
export const wireValue = (value: unknown): unknown => pgUtils.prepareValue(value);

/** Parse, Bind and Execute of a statement without parameters, through the unnamed statement. */
function sendUnnamed(connection: ProtocolConnection, text: string): void {
  connection.parse({ text });
  connection.bind({});
  connection.execute({});
}

/**
 * A named statement sent in one round trip with its companions: the BEGIN
 * that opens its transaction, statements deferred to it (their answers are
 * not needed), and the COMMIT that closes its transaction.
 *
 * In PostgreSQL's extended protocol the server answers only at a Sync, so
 * all of them, followed by one Sync, cost one write and one read on each
 * side. An error skips everything up to the Sync: if a deferred statement
 * fails, the statement after it never runs, and if the statement fails, the
 * COMMIT after it never runs.
 *
 * The BEGIN goes after the statement's Parse and just before its Bind: pg
 * records a named statement as parsed when any ParseComplete arrives, so a
 * BEGIN parsed first would have it recorded even if its own Parse then
 * failed. (An unnamed statement would be replaced by the BEGIN's unnamed
 * Parse; the transaction sends those on their own.) Deferred statements are
 * parsed already, so they are only bound and executed. The COMMIT goes right
 * after the statement's Execute, so that a statement that could not even be
 * bound never commits the transaction.
 */
class BracketedStatement extends pg.Query {
  /** Completions (and rows) of the BEGIN and the deferred statements come first; the statement's own is next. */
  private readonly leading: number;
  private completions = 0;

  constructor(
    config: pg.QueryConfig & { name: string },
    private readonly companions: Companions,
    callback: (error: Error | undefined, result: pg.QueryResult) => void,
  ) {
    super(config, callback as never);
    this.leading = (companions.begin ? 1 : 0) + companions.deferred.length;
  }

  prepare(connection: ProtocolConnection): void {
    const { begin, deferred, commit } = this.companions;
    const withCompanions: ProtocolConnection = Object.create(connection, {
      bind: {
        value: (message: object) => {
          if (begin) {
            sendUnnamed(connection, 'BEGIN');
          }
          for (const statement of deferred) {
            connection.bind({ statement: statement.name, values: statement.values, valueMapper: wireValue });
            connection.execute({});
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
    queryHooks.prepare.call(this, withCompanions);
  }

  /** Only the statement's own rows are its result. */
  handleDataRow(message: unknown): void {
    if (this.completions === this.leading) {
      queryHooks.handleDataRow.call(this, message);
    }
  }

  /** Only the statement's own completion is its result: not the BEGIN's, the deferred statements' or the COMMIT's. */
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void {
    if (this.completions++ === this.leading) {
      queryHooks.handleCommandComplete.call(this, message, connection);
    }
  }
}

/** Runs a named statement with its companions; resolves with the statement's own result. */
export function queryBracketed(
  client: pg.ClientBase,
  config: pg.QueryConfig & { name: string },
  companions: Companions,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    void client.query(
      new BracketedStatement(config, companions, (error, result) => (error ? reject(error) : resolve(result))),
    );
  });
}
