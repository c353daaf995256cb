import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { grantRuntimeAccess } from './runtime-access.js';

/**
 * Applies Prisma-layout SQL migrations without Prisma's schema engine.
 *
 * Bookkeeping matches `prisma migrate deploy`: the same `_prisma_migrations`
 * table, the same checksum (SHA-256 of the file), the same advisory lock, so
 * Prisma's own tooling can take over a database migrated here and vice versa.
 *
 * One database may take its migrations from several folders (the libraries
 * that own tables in it, then the service's own folder; see schema-modules.ts):
 * all are recorded in the one `_prisma_migrations` table under their folder
 * names, so a name must not appear in two of them.
 */

/** The advisory lock key `prisma migrate` takes, so the two never run at once. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

interface AppliedMigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** An already-applied migration whose file no longer has the checksum recorded when it ran. */
export class MigrationChangedError extends Error {
  constructor(
    readonly migrationName: string,
    readonly recordedChecksum: string,
    readonly fileChecksum: string,
  ) {
    super(
      `Migration ${migrationName} was changed after it was applied ` +
        `(recorded checksum ${recordedChecksum}, file checksum ${fileChecksum}). ` +
        'Applied migrations are immutable: restore the file and add a new migration instead.',
    );
    this.name = 'MigrationChangedError';
  }
}

/** A migration that failed now, or that an earlier run left unfinished. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migrationName: string,
    reason: string,
  ) {
    super(`Migration ${migrationName} failed: ${reason}`);
    this.name = 'MigrationFailedError';
  }
}

/** The same migration name in two folders: `_prisma_migrations` could not tell them apart. */
export class DuplicateMigrationError extends Error {
  constructor(
    readonly migrationName: string,
    readonly directories: readonly [string, string],
  ) {
    super(
      `Migration ${migrationName} is in two migrations folders, ${directories[0]} and ${directories[1]}; ` +
        'every migration of one database needs a name of its own.',
    );
    this.name = 'DuplicateMigrationError';
  }
}

/** The migrations read from one folder. */
export interface MigrationSource {
  directory: string;
  migrations: MigrationFile[];
}

/**
 * The migrations of several folders in the order to apply them: folder by
 * folder as given, each in name (= time) order. A name in two folders is an error.
 */
export function combineMigrationSources(sources: readonly MigrationSource[]): MigrationFile[] {
  const directoryOf = new Map<string, string>();
  for (const source of sources) {
    for (const migration of source.migrations) {
      const earlier = directoryOf.get(migration.name);
      if (earlier !== undefined) {
        throw new DuplicateMigrationError(migration.name, [earlier, source.directory]);
      }
      directoryOf.set(migration.name, source.directory);
    }
  }
  return sources.flatMap((source) => source.migrations);
}

/** Reads `<dir>/<timestamp>_<name>/migration.sql` files in name (= time) order. */
export async function readMigrationFiles(migrationsDirectory: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDirectory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDirectory, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql, 'utf8').digest('hex') };
    }),
  );
}

/** Reads several migrations folders and combines them (see combineMigrationSources). */
export async function readMigrationSources(migrationsDirectories: readonly string[]): Promise<MigrationFile[]> {
  const sources = await Promise.all(
    migrationsDirectories.map(async (directory) => ({ directory, migrations: await readMigrationFiles(directory) })),
  );
  return combineMigrationSources(sources);
}

/** Where a database's migrations come from: one folder, or several applied in the order given. */
export type MigrationsLocation =
  | { migrationsDirectory: string; migrationsDirectories?: never }
  | { migrationsDirectories: readonly string[]; migrationsDirectory?: never };

/**
 * Applies every pending migration, each in its own transaction, under Prisma's migrate lock;
 * then, given a runtime role, grants it what a service needs (see grantRuntimeAccess).
 */
export async function applyMigrations(
  options: MigrationsLocation & {
    databaseUrl: string;
    /** The role the service connects as: may read and write rows, not change the schema. */
    runtimeRole?: string;
    log?: (message: string) => void;
  },
): Promise<MigrationReport> {
  const log = options.log ?? (() => undefined);
  const directories =
    options.migrationsDirectories !== undefined ? options.migrationsDirectories : [options.migrationsDirectory];
  if (directories.length === 0) {
    throw new Error('applyMigrations: no migrations folder given');
  }
  const migrations = await readMigrationSources(directories);
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'offline-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const applied = await loadAppliedMigrations(client);
    const pending = selectPendingMigrations(migrations, applied, directories.length > 1, log);
    for (const migration of pending) {
      await applyOne(client, migration);
      log(`applied ${migration.name}`);
    }
    if (options.runtimeRole !== undefined) {
      await grantRuntimeAccess(client, options.runtimeRole);
      log(`runtime role ${options.runtimeRole}: rows of every table, no schema changes`);
    }
    return {
      applied: pending.map((migration) => migration.name),
      alreadyApplied: migrations.filter((migration) => applied.has(migration.name)).map((m) => m.name),
    };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function loadAppliedMigrations(client: pg.Client): Promise<Map<string, AppliedMigrationRow>> {
  const { rows } = await client.query<AppliedMigrationRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
      WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return new Map(rows.map((row) => [row.migration_name, row]));
}

function selectPendingMigrations(
  migrations: MigrationFile[],
  applied: Map<string, AppliedMigrationRow>,
  severalFolders: boolean,
  log: (message: string) => void,
): MigrationFile[] {
  const folders = severalFolders ? 'every migrations folder' : 'the migrations folder';
  for (const row of applied.values()) {
    if (row.finished_at === null) {
      throw new MigrationFailedError(
        row.migration_name,
        'an earlier run started it and did not finish; inspect the database, then mark it rolled back ' +
          '(`prisma migrate resolve --rolled-back`) before migrating again',
      );
    }
    if (!migrations.some((migration) => migration.name === row.migration_name)) {
      log(`warning: ${row.migration_name} is applied but missing from ${folders}`);
    }
  }
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new MigrationChangedError(migration.name, row.checksum, migration.checksum);
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationFailedError(migration.name, error instanceof Error ? error.message : String(error));
  }
}
