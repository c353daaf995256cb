import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';

/** A statement of a pipeline: its text, its values ready for the wire, and its name if it is a named (prepared) one. */
export interface PipelinedStatement {
  name?: string;
  text: string;
  values: readonly unknown[];
}

/** How pg converts a value for the wire (Date, Buffer, arrays, objects as JSON); converting twice changes nothing. */
export const wireValue = (value: unknown): unknown => pgUtils.prepareValue(value);

/** The protocol messages of pg's connection (pg/lib/connection.js) that a pipeline writes. */
interface ProtocolConnection {
  parse(message: { name?: string; text: string }): void;
  bind(message: object): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: object): void;
  sync(): void;
  on(event: 'parseComplete', listener: () => void): void;
  off(event: 'parseComplete', listener: () => void): void;
  /** Named statements parsed on the connection, by name: pg's own record, which its queries consult too. */
  parsedStatements: Record<string, string>;
}

const connectionOf = (client: pg.ClientBase) => (client as unknown as { connection: ProtocolConnection }).connection;

/** Whether a named statement is parsed on the client's connection (by a pipeline or by pg itself). */
export function isParsedOn(client: pg.ClientBase, name: string): boolean {
  return connectionOf(client).parsedStatements[name] !== undefined;
}

/**
 * Several statements in one round trip: each statement's Parse (unless it is
 * a named statement parsed on the connection already), Bind, Describe and
 * Execute, then one Sync. In PostgreSQL's extended protocol the server
 * answers only at a Sync, so however many statements travel, each side
 * makes one write and one read. The server runs them in order; an error
 * skips everything after it up to the Sync, so a statement that fails stops
 * the ones behind it (a COMMIT among them never runs).
 *
 * pg.Query already collects one result per CommandComplete when several
 * arrive; this query writes the messages and keeps pg's record of which
 * named statements the connection has parsed, counting the ParseCompletes,
 * so a pipeline that fails half way records exactly those it parsed.
 */
class StatementPipeline extends pg.Query {
  /** The name of each Parse sent, in order (undefined: the unnamed statement). */
  private readonly parses: (string | undefined)[] = [];
  private parsesCompleted = 0;
  private connection: ProtocolConnection | undefined;
  private readonly countParse = () => {
    this.parsesCompleted++;
  };

  constructor(
    private readonly statements: readonly PipelinedStatement[],
    callback: (error: Error | undefined, results: pg.QueryResult | pg.QueryResult[]) => void,
  ) {
    super({ text: 'a pipeline of statements' }, ((
      error: Error | undefined,
      results: pg.QueryResult | pg.QueryResult[],
    ) => {
      this.recordParsed();
      callback(error, results);
    }) as never);
  }

  /** Always the extended protocol: a Sync of its own ends the pipeline. */
  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: ProtocolConnection): void {
    this.connection = connection;
    connection.on('parseComplete', this.countParse);
    for (const { name, text, values } of this.statements) {
      // A named statement is parsed once, by its first use in the pipeline.
      if (name === undefined || (connection.parsedStatements[name] === undefined && !this.parses.includes(name))) {
        connection.parse(name === undefined ? { text } : { name, text });
        this.parses.push(name);
      }
      connection.bind({ statement: name ?? '', values });
      connection.describe({ type: 'P', name: '' });
      connection.execute({});
    }
    connection.sync();
  }

  private recordParsed(): void {
    const connection = this.connection;
    if (!connection) {
      return;
    }
    connection.off('parseComplete', this.countParse);
    for (const name of this.parses.slice(0, this.parsesCompleted)) {
      const statement = this.statements.find((candidate) => candidate.name === name);
      if (name !== undefined && statement) {
        connection.parsedStatements[name] = statement.text;
      }
    }
  }
}

/**
 * Runs statements in one round trip; resolves with one result per statement,
 * in order, or rejects with the first error (those after it did not run).
 * Values must be converted for the wire already (`wireValue`), so that one
 * that cannot be sent fails before anything is.
 */
export function queryPipelined(
  client: pg.ClientBase,
  statements: readonly PipelinedStatement[],
): Promise<pg.QueryResult[]> {
  return new Promise((resolve, reject) => {
    void client.query(
      new StatementPipeline(statements, (error, results) => {
        if (error) {
          reject(error);
        } else {
          resolve(Array.isArray(results) ? results : [results]);
        }
      }),
    );
  });
}
