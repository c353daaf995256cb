/**
 * What the outbox and inbox need of a database transaction: raw SQL on it.
 * Every service's Prisma transaction client satisfies this, so the business
 * write and the message write share one transaction.
 */
export interface SqlTransaction {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/** Runs work in one database transaction, committing if it resolves and rolling back if it throws. */
export type TransactionRunner = <Result>(work: (tx: SqlTransaction) => Promise<Result>) => Promise<Result>;
