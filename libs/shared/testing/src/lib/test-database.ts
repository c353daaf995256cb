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
    drop: () => dropDatabase(postgresAdminUrl, name),
  };
}

/**
 * Drops a database once the connections being closed are gone (a pool's
 * `end()` resolves before its sockets have closed, and a connection the server
 * ends under a client that is still closing fails that client with 57P01);
 * whatever is still open after two seconds is ended by force.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let waited = 0; waited < 2_000; waited += 50) {
      const { rows } = await client.query<{ open: number }>(
        'SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if ((rows[0]?.open ?? 0) === 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await rollBackPreparedTransactions(adminUrl, name);
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A database holding prepared transactions cannot be dropped, and each keeps
 * one of the cluster's max_prepared_transactions: those a run left in doubt
 * (its coordinator stopped mid-protocol) are rolled back first. A prepared
 * transaction can only be ended from a session on its own database.
 */
async function rollBackPreparedTransactions(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(adminUrl, name) });
  try {
    await client.connect();
  } catch {
    return; // no such database (dropped already)
  }
  try {
    const { rows } = await client.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database()',
    );
    for (const { gid } of rows) {
      await client.query(`ROLLBACK PREPARED '${gid.replaceAll("'", "''")}'`);
    }
  } finally {
    await client.end();
  }
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
