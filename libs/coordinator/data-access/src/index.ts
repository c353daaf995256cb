import { pgAdapter } from '@dtx/prisma';
import { PrismaClient } from './generated/prisma/client.js';

export * from './generated/prisma/client.js';

/** The Prisma client of the coordinator database, owned by the coordinator service alone. */
export type CoordinatorDatabaseClient = PrismaClient;

/** Opens a Prisma client on the coordinator database through the node-postgres adapter. */
export function createCoordinatorDatabaseClient(databaseUrl: string, poolSize?: number): CoordinatorDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, { poolSize, applicationName: 'coordinator' }) });
}
