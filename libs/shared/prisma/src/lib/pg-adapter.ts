import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';

/**
 * The node-postgres driver adapter every service's Prisma client runs on: the
 * service's own pool, so Prisma's reads and the SQL of the message path share
 * its connections (the pool is the service's to end, not Prisma's).
 */
export function pgAdapter(pool: pg.Pool) {
  // The adapter names an older @types/pg; the pool is the same node-postgres Pool at run time.
  return new PrismaPg(pool as unknown as ConstructorParameters<typeof PrismaPg>[0], { disposeExternalPool: false });
}
