/** Injection token of the service's own Prisma client. */
export const DATABASE = Symbol('DATABASE');

/** Injection token of the service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

/** What the platform needs of a service's Prisma client: a ping and a way to close the pool. */
export interface DatabaseClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $disconnect(): Promise<void>;
}

export const SERVICE_PLATFORM_OPTIONS = Symbol('SERVICE_PLATFORM_OPTIONS');
