/**
 * Runs SQL statements, with `$1`, `$2`... bound to `values`: inside one
 * transaction (what repositories take), or on the pool, one statement each.
 */
export interface SqlExecutor {
  /** The rows a statement returns. */
  query<Row = Record<string, unknown>>(text: string, ...values: unknown[]): Promise<Row[]>;
  /** How many rows a statement changed. */
  execute(text: string, ...values: unknown[]): Promise<number>;
}

/**
 * A database transaction. Repositories take it explicitly, so a business write
 * and the messages it causes (outbox, inbox) commit or roll back together.
 */
export interface SqlTransaction extends SqlExecutor {
  /**
   * Where the transaction can send its COMMIT with its last statement (one
   * round trip fewer): runs that statement, then commits. Nothing may run in
   * the transaction after it.
   */
  readonly committing?: SqlExecutor;
  /**
   * Where the transaction can: sends a statement whose answer the caller does
   * not need with the transaction's next statement (or its COMMIT), in the
   * same round trip. If it fails, that statement fails with its error.
   */
  defer?(text: string, ...values: unknown[]): void;
}

/** Runs a statement whose answer is not needed: deferred where the transaction can, at once where it cannot. */
export async function executeOrDefer(tx: SqlTransaction, text: string, ...values: unknown[]): Promise<void> {
  if (tx.defer) {
    tx.defer(text, ...values);
  } else {
    await tx.execute(text, ...values);
  }
}

/** Runs work in one database transaction, committing if it resolves and rolling back if it throws. */
export type TransactionRunner = <Result>(work: (tx: SqlTransaction) => Promise<Result>) => Promise<Result>;
