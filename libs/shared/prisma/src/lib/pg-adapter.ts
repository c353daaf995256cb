import { PrismaPg } from '@prisma/adapter-pg';

/** The node-postgres driver adapter that every service's Prisma client runs on. */
export function pgAdapter(databaseUrl: string, options: { poolSize?: number; applicationName?: string } = {}) {
  return new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
  });
}
