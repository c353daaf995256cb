import { pgAdapter } from '@dtx/prisma';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The Prisma client of the payment database, owned by the payment service alone. */
export type PaymentDatabaseClient = PrismaClient;

/** A Prisma client on the service's own pool (see @dtx/sql): its reads share the pool's connections. */
export function createPaymentDatabaseClient(pool: pg.Pool): PaymentDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(pool) });
}
