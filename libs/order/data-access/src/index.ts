import { pgAdapter } from '@dtx/prisma';
import { PrismaClient } from './generated/prisma/client.js';

export * from './generated/prisma/client.js';

/** The Prisma client of the orders database, owned by the order service alone. */
export type OrderDatabaseClient = PrismaClient;

/** Opens a Prisma client on the orders database through the node-postgres adapter. */
export function createOrderDatabaseClient(databaseUrl: string, poolSize?: number): OrderDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, { poolSize, applicationName: 'order' }) });
}
