import { pgAdapter } from '@dtx/prisma';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The Prisma client of the inventory database, owned by the inventory service alone. */
export type InventoryDatabaseClient = PrismaClient;

/** A Prisma client on the service's own pool (see @dtx/sql): its reads share the pool's connections. */
export function createInventoryDatabaseClient(pool: pg.Pool): InventoryDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(pool) });
}
