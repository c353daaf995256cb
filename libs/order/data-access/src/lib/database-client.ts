import { pgAdapter } from '@dtx/prisma';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The Prisma client of the order database, owned by the order service alone. */
export type OrderDatabaseClient = PrismaClient;

/** A Prisma client on the service's own pool (see @dtx/sql): its reads share the pool's connections. */
export function createOrderDatabaseClient(pool: pg.Pool): OrderDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(pool) });
}
