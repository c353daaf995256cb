import pg from 'pg';
import { testInfrastructure } from './test-infrastructure.js';
import { uniqueName } from './unique-name.js';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database of its own for one test suite, so suites never see
 * each other's rows. Migrate it with `applyMigrations` from @dtx/prisma.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const { postgresAdminUrl } = await testInfrastructure();
  const name = uniqueName(`test_${prefix}`);
  await runAsAdmin(postgresAdminUrl, `CREATE DATABASE "${name}"`);
  const url = databaseUrl(postgresAdminUrl, name);
  return {
    name,
    url,
    drop: () => runAsAdmin(postgresAdminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function runAsAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
