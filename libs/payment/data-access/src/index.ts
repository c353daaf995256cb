import { pgAdapter } from '@dtx/prisma';
import { PrismaClient } from './generated/prisma/client.js';

export * from './generated/prisma/client.js';

/** The Prisma client of the payments database, owned by the payment service alone. */
export type PaymentDatabaseClient = PrismaClient;

/** Opens a Prisma client on the payments database through the node-postgres adapter. */
export function createPaymentDatabaseClient(databaseUrl: string, poolSize?: number): PaymentDatabaseClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, { poolSize, applicationName: 'payment' }) });
}
