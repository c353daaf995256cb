import { pgAdapter } from '@dtx/prisma';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The Prisma client of the orchestrator database, owned by the orchestrator service alone. */
export type OrchestratorDatabaseClient = PrismaClient;

/** A Prisma client on the service's own pool (see @dtx/sql): its reads share the pool's connections. */
export function createOrchestratorDatabaseClient(pool: pg.Pool): OrchestratorDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(pool) });
}
