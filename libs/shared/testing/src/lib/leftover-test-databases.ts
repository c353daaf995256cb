import { hostname } from 'node:os';
import pg from 'pg';
import { dropTestDatabase } from './drop-test-database.js';

const MARK = /^dtx test run: pid (\d+) on (.+)$/;

/** What a test database's roles are marked with: the process that made them, and where it runs. */
export function testRunMark(): string {
  return `dtx test run: pid ${process.pid} on ${hostname()}`;
}

/**
 * Drops what test runs killed before they could clean up left behind: the test
 * databases (their prepared transactions rolled back first) and roles made by
 * a process of this machine that has gone. What a live process (another suite
 * running in parallel, a benchmark) made is left alone. Returns the databases dropped.
 */
export async function removeLeftoverTestDatabases(adminUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows: roles } = await client.query<{ role: string; mark: string | null; databases: string[] }>(
      `SELECT r.rolname AS role, shobj_description(r.oid, 'pg_authid') AS mark,
              array(SELECT datname::text FROM pg_database WHERE datdba = r.oid ORDER BY datname) AS databases
         FROM pg_roles r WHERE r.rolname LIKE 'test\\_%'`,
    );
    const leftovers = roles.filter(({ mark }) => isFromGoneProcess(mark));
    const databases = leftovers.flatMap(({ databases }) => databases);
    for (const database of databases) {
      await dropTestDatabase(adminUrl, database);
    }
    for (const { role } of leftovers) {
      await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
    }
    return databases;
  } finally {
    await client.end();
  }
}

function isFromGoneProcess(mark: string | null): boolean {
  const match = MARK.exec(mark ?? '');
  if (!match || match[2] !== hostname()) {
    return false;
  }
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, it belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
