#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { applyMigrations } from '../lib/offline-migrate.js';

const usage = 'usage: dtx-migrate --database-url <postgresql://...> --migrations <folder> [--name <label>]';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    migrations: { type: 'string' },
    name: { type: 'string' },
  },
});

const databaseUrl = values['database-url'];
const migrationsDirectory = values.migrations;
if (!databaseUrl || !migrationsDirectory) {
  console.error(usage);
  process.exit(2);
}
const label = values.name ?? migrationsDirectory;

try {
  const report = await applyMigrations({
    databaseUrl,
    migrationsDirectory,
    log: (message) => console.log(`migrate ${label}: ${message}`),
  });
  console.log(
    `migrate ${label}: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied`,
  );
} catch (error) {
  console.error(`migrate ${label}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
