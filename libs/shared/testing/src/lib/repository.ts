import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServiceName = 'order' | 'inventory' | 'payment' | 'orchestrator' | 'coordinator';

/** The monorepo's root folder (the one holding nx.json). */
export function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'nx.json'))) {
    const parent = dirname(folder);
    if (parent === folder) {
      throw new Error('repositoryRoot: no nx.json above ' + fileURLToPath(import.meta.url));
    }
    folder = parent;
  }
  return folder;
}

/**
 * Where a service's own SQL migrations live: prisma/<service>/migrations. The tables
 * of the libraries it uses have migrations of their own (`serviceMigrationSources` of @dtx/prisma).
 */
export function serviceMigrationsDirectory(service: ServiceName): string {
  return join(repositoryRoot(), 'prisma', service, 'migrations');
}

/** Every service, in the order the README lists them. */
export const SERVICE_NAMES: readonly ServiceName[] = ['order', 'inventory', 'payment', 'orchestrator', 'coordinator'];

/** The database each service owns (database-per-service). */
export function serviceDatabaseName(service: ServiceName): string {
  return {
    order: 'orders',
    inventory: 'inventory',
    payment: 'payments',
    orchestrator: 'orchestrator',
    coordinator: 'coordinator',
  }[service];
}
