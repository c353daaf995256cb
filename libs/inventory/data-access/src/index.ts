import { pgAdapter } from '@dtx/prisma';
import { PrismaClient } from './generated/prisma/client.js';

export * from './generated/prisma/client.js';

/** The Prisma client of the inventory database, owned by the inventory service alone. */
export type InventoryDatabaseClient = PrismaClient;

/** Opens a Prisma client on the inventory database through the node-postgres adapter. */
export function createInventoryDatabaseClient(databaseUrl: string, poolSize?: number): InventoryDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, { poolSize, applicationName: 'inventory' }) });
}
