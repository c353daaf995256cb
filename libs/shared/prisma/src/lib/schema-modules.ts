import { join } from 'node:path';

/**
 * Which libraries' tables each service's database gets.
 *
 * A library that keeps state of its own in the service's database (the outbox,
 * the inbox, ...) owns that table's SQL: it lives once, in the library's
 * `migrations/` folder (Prisma's layout), and the migrator applies it to every
 * database declared here, before the service's own `prisma/<service>/migrations`.
 * Every folder of one database is recorded in the same `_prisma_migrations`.
 */

/** A library that owns tables, and where its migrations live (relative to the repository root). */
export const SCHEMA_MODULES = {
  /** outbox_messages, lamport_clock */
  outbox: 'libs/shared/outbox/migrations',
  /** inbox_messages */
  inbox: 'libs/shared/inbox/migrations',
  /** participant_steps */
  participant: 'libs/shared/participant/migrations',
  /** two_phase_participations */
  'two-phase': 'libs/shared/two-phase/migrations',
} as const;

export type SchemaModule = keyof typeof SCHEMA_MODULES;

/** The library tables of each service's database, in the order they are applied. */
export const SERVICE_SCHEMA_MODULES = {
  order: ['outbox', 'inbox', 'participant', 'two-phase'],
  inventory: ['outbox', 'inbox', 'participant', 'two-phase'],
  payment: ['outbox', 'inbox', 'participant', 'two-phase'],
  orchestrator: ['outbox', 'inbox'],
  coordinator: ['outbox', 'inbox'],
} as const satisfies Record<string, readonly SchemaModule[]>;

export type MigratedService = keyof typeof SERVICE_SCHEMA_MODULES;

export function isMigratedService(name: string): name is MigratedService {
  return Object.hasOwn(SERVICE_SCHEMA_MODULES, name);
}

/**
 * Every migrations folder of a service's database, libraries first, then the
 * service's own `prisma/<service>/migrations`; joined to `repositoryRoot` when given.
 */
export function serviceMigrationSources(service: MigratedService, repositoryRoot?: string): string[] {
  const folders = [
    ...SERVICE_SCHEMA_MODULES[service].map((module) => SCHEMA_MODULES[module]),
    `prisma/${service}/migrations`,
  ];
  return repositoryRoot === undefined ? folders : folders.map((folder) => join(repositoryRoot, folder));
}
