import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl } from './database-url.js';
import { dropTestDatabase } from './drop-test-database.js';
import { removeLeftoverTestDatabases, testRunMark } from './leftover-test-databases.js';
import { testInfrastructure } from './test-infrastructure.js';
import { uniqueName } from './unique-name.js';

/**
 * What every session of a runtime role starts with, as `ALTER ROLE ... SET`
 * gives the local cluster's (scripts/infra/postgres.sh): a service's pool sends
 * its own timeouts, which win; these hold for its other sessions.
 */
export const RUNTIME_ROLE_SETTINGS = {
  statement_timeout: '30s',
  lock_timeout: '10s',
  idle_in_transaction_session_timeout: '1min',
} as const;

export interface TestDatabase {
  name: string;
  /** As the superuser: for the test itself, to set things up and look inside. */
  url: string;
  /** As the database's owner: what migrations run as. */
  ownerUrl: string;
  /** As the runtime role: what a service connects as (rows only, once migrated with `runtimeRole`). */
  runtimeUrl: string;
  roles: { owner: string; runtime: string };
  /** Drops the database and its roles, ending any connection still open to it. */
  drop(): Promise<void>;
}

let leftoversRemoved: Promise<unknown> | undefined;

/**
 * A fresh, empty database of its own for one test suite, so suites never see
 * each other's rows, with an owner role and a runtime role of its own, as a
 * service's database has. Migrate it as the owner with `applyMigrations` from
 * @dtx/prisma (`runtimeRole` grants the runtime role its rows). The first call
 * of a process removes what killed runs left behind.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const { postgresAdminUrl } = await testInfrastructure();
  leftoversRemoved ??= removeLeftoverTestDatabases(postgresAdminUrl);
  await leftoversRemoved;
  const name = uniqueName(`test_${prefix}`);
  const roles = { owner: `${name}_owner`, runtime: `${name}_runtime` };
  if (roles.runtime.length > 63) {
    throw new Error(`createTestDatabase: prefix ${prefix} is too long for PostgreSQL's 63-byte role names`);
  }
  const passwords = { owner: randomBytes(18).toString('base64url'), runtime: randomBytes(18).toString('base64url') };
  await createDatabaseWithRoles(postgresAdminUrl, name, roles, passwords);
  return {
    name,
    url: databaseUrl(postgresAdminUrl, name),
    ownerUrl: databaseUrl(postgresAdminUrl, name, { user: roles.owner, password: passwords.owner }),
    runtimeUrl: databaseUrl(postgresAdminUrl, name, { user: roles.runtime, password: passwords.runtime }),
    roles,
    drop: () => dropTestDatabase(postgresAdminUrl, name),
  };
}

async function createDatabaseWithRoles(
  adminUrl: string,
  name: string,
  roles: { owner: string; runtime: string },
  passwords: { owner: string; runtime: string },
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const identifier = (text: string) => client.escapeIdentifier(text);
  const literal = (text: string) => client.escapeLiteral(text);
  try {
    // The roles carry the mark of this process from the start; the database is found by its owner.
    await client.query('BEGIN');
    for (const role of ['owner', 'runtime'] as const) {
      await client.query(`CREATE ROLE ${identifier(roles[role])} LOGIN PASSWORD ${literal(passwords[role])}`);
      await client.query(`COMMENT ON ROLE ${identifier(roles[role])} IS ${literal(testRunMark())}`);
    }
    for (const [setting, value] of Object.entries(RUNTIME_ROLE_SETTINGS)) {
      await client.query(`ALTER ROLE ${identifier(roles.runtime)} SET ${setting} = ${literal(value)}`);
    }
    await client.query('COMMIT');
    await client.query(`CREATE DATABASE ${identifier(name)} OWNER ${identifier(roles.owner)}`);
    await client.query(`GRANT CONNECT ON DATABASE ${identifier(name)} TO ${identifier(roles.runtime)}`);
  } finally {
    await client.end();
  }
}
