#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyMigrations } from '../lib/offline-migrate.js';
import { isMigratedService, SERVICE_SCHEMA_MODULES, serviceMigrationSources } from '../lib/schema-modules.js';

const usage = [
  'usage: dtx-migrate --database-url <postgresql://...> [--name <label>] [--runtime-role <role>]',
  '         (--service <name> [--root <repository root, default .>] | --migrations <folder>...)',
  '  --database-url  as the role that owns the database (it will own every table)',
  '  --service       the tables of the libraries the service uses, then prisma/<name>/migrations',
  `                  (${Object.keys(SERVICE_SCHEMA_MODULES).join(', ')})`,
  '  --migrations    the folders given (repeat it), in that order',
  '  --runtime-role  the role the service connects as: afterwards it may read and write the rows',
  '                  of every table (and of tables added later), and nothing else',
].join('\n');

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    service: { type: 'string' },
    root: { type: 'string' },
    migrations: { type: 'string', multiple: true },
    name: { type: 'string' },
    'runtime-role': { type: 'string' },
  },
});

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};

const databaseUrl = values['database-url'] ?? fail('dtx-migrate: --database-url is required');
const service = values.service;
if (service !== undefined && values.migrations !== undefined) {
  fail('dtx-migrate: give --service or --migrations, not both');
}
if (service !== undefined && !isMigratedService(service)) {
  fail(`dtx-migrate: unknown service ${service}`);
}
if (service === undefined && values.root !== undefined) {
  fail('dtx-migrate: --root goes with --service');
}
const migrationsDirectories =
  service !== undefined && isMigratedService(service)
    ? serviceMigrationSources(service, resolve(values.root ?? '.'))
    : (values.migrations ?? fail('dtx-migrate: --service or --migrations is required'));
const label = values.name ?? service ?? migrationsDirectories.join(', ');

try {
  const report = await applyMigrations({
    databaseUrl,
    migrationsDirectories,
    ...(values['runtime-role'] !== undefined ? { runtimeRole: values['runtime-role'] } : {}),
    log: (message) => console.log(`migrate ${label}: ${message}`),
  });
  console.log(`migrate ${label}: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied`);
} catch (error) {
  console.error(`migrate ${label}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
