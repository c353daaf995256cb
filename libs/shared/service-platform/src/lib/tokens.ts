import type { ServiceEnvironment } from '@dtx/config';
import type { SqlTransaction } from '@dtx/outbox';

/** Injection token of the service's own Prisma client. */
export const DATABASE = Symbol('DATABASE');

/**
 * Injection token of the service's node-postgres pool, for the hot paths
 * written in SQL (message handling, the outbox, 2PC): a transaction through
 * Prisma's interactive transactions costs about twice the time on this
 * machine, and a fifth of the throughput under concurrency.
 */
export const SQL_POOL = Symbol('SQL_POOL');

/** Injection token of the service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

/** What the platform needs of a service's Prisma client: raw SQL, transactions, closing the pool. */
export interface DatabaseClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $transaction<R>(work: (tx: SqlTransaction) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
  $disconnect(): Promise<void>;
}

export interface PlatformOptions {
  serviceName: string;
  config: ServiceEnvironment;
}

export const SERVICE_PLATFORM_OPTIONS = Symbol('SERVICE_PLATFORM_OPTIONS');
