import { pgAdapter } from '@dtx/prisma';
import { PrismaClient } from './generated/prisma/client.js';

export * from './generated/prisma/client.js';

/** The Prisma client of the orchestrator database, owned by the orchestrator service alone. */
export type OrchestratorDatabaseClient = PrismaClient;

/** Opens a Prisma client on the orchestrator database through the node-postgres adapter. */
export function createOrchestratorDatabaseClient(databaseUrl: string, poolSize?: number): OrchestratorDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, { poolSize, applicationName: 'orchestrator' }) });
}
