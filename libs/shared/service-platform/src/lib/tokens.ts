import type { ServiceEnvironment } from '@dtx/config';

/** Injection token of the service's own Prisma client (on SQL_POOL), for the REST API's reads. */
export const DATABASE = Symbol('DATABASE');

/**
 * Injection token of the service's one node-postgres pool (@dtx/sql). The
 * message path (handlers, outbox, relay, 2PC) runs plain SQL on it: a
 * transaction through Prisma's interactive transactions costs about twice the
 * time on this machine, and a fifth of the throughput under concurrency.
 */
export const SQL_POOL = Symbol('SQL_POOL');

/** Injection token of the service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

/** What the platform needs of a service's Prisma client: closing it. */
export interface DatabaseClient {
  $disconnect(): Promise<void>;
}

export interface PlatformOptions {
  serviceName: string;
  config: ServiceEnvironment;
}

export const SERVICE_PLATFORM_OPTIONS = Symbol('SERVICE_PLATFORM_OPTIONS');
