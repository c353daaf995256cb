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

/**
 * Injection token of a small pool of its own for the statements that release
 * locks others wait for: a 2PC participant's COMMIT PREPARED and ROLLBACK
 * PREPARED. On SQL_POOL, under contention for one row, every connection can be
 * held by a prepare waiting for the lock that a prepared transaction holds, and
 * the COMMIT PREPARED that would release it would wait behind them for a
 * connection until their lock timeouts ran out, again and again. It has as
 * many connections at most as SQL_POOL (DATABASE_POOL_SIZE), as many as the
 * decisions had when they shared it, and opens them only when used.
 */
export const SQL_PHASE_TWO_POOL = Symbol('SQL_PHASE_TWO_POOL');

/** Injection token of the TokenVerifier (@dtx/auth) that checks the bearer tokens of REST calls. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

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
