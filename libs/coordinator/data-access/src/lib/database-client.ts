import { pgAdapter } from '@dtx/prisma';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The Prisma client of the coordinator database, owned by the coordinator service alone. */
export type CoordinatorDatabaseClient = PrismaClient;

/** A Prisma client on the service's own pool (see @dtx/sql): its reads share the pool's connections. */
export function createCoordinatorDatabaseClient(pool: pg.Pool): CoordinatorDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(pool) });
}
