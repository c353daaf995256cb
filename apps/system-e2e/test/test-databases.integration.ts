import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  createTestDatabase,
  removeLeftoverTestDatabases,
  repositoryRoot,
  testInfrastructure,
  type TestDatabase,
} from '@dtx/testing';
import pg from 'pg';

/*
 * The harness's databases: each with an owner and a runtime role of its own,
 * all three gone after drop(), and after a run that was killed before it could
 * drop them, at the next run's first createTestDatabase.
 */

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function existing(adminUrl: string, database: string): Promise<{ databases: number; roles: number }> {
  const [row] = await query<{ databases: number; roles: number }>(
    adminUrl,
    `SELECT (SELECT count(*)::int FROM pg_database WHERE datname = $1) AS databases,
            (SELECT count(*)::int FROM pg_roles WHERE rolname IN ($1 || '_owner', $1 || '_runtime')) AS roles`,
    [database],
  );
  return row ?? { databases: -1, roles: -1 };
}

/** A test process that has made a database; kill() ends it (SIGKILL) before it can drop it. */
async function runThatWillBeKilled(): Promise<{ database: string; kill(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { createTestDatabase } from '@dtx/testing';
       const database = await createTestDatabase('killed');
       console.log(database.name);
       setInterval(() => undefined, 1000);`,
    ],
    { cwd: repositoryRoot(), env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    database: line.toString().trim(),
    kill: async () => {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

describe('test databases and their roles', () => {
  let adminUrl: string;
  let mine: TestDatabase;

  before(async () => {
    ({ postgresAdminUrl: adminUrl } = await testInfrastructure());
    mine = await createTestDatabase('alive');
  });
  after(async () => {
    await mine?.drop();
  });

  it('drop() removes the database and both its roles', async () => {
    const database = await createTestDatabase('dropped');
    assert.deepEqual(await existing(adminUrl, database.name), { databases: 1, roles: 2 });
    await database.drop();
    assert.deepEqual(await existing(adminUrl, database.name), { databases: 0, roles: 0 });
  });

  it('what a killed run left, a prepared transaction in doubt included, is removed; what a live run has is kept', async () => {
    const run = await runThatWillBeKilled();
    const leftover = run.database;
    assert.deepEqual(await existing(adminUrl, leftover), { databases: 1, roles: 2 });
    const url = new URL(adminUrl);
    url.pathname = `/${leftover}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query('CREATE TABLE work (id int)');
    await client.query('BEGIN');
    await client.query('INSERT INTO work VALUES (1)');
    await client.query(`PREPARE TRANSACTION 'in-doubt-${leftover}'`);
    await client.end();
    assert.ok(!(await removeLeftoverTestDatabases(adminUrl)).includes(leftover), 'its run is still alive');

    await run.kill();
    // Another suite starting meanwhile may get there first: what counts is that it is all gone.
    await removeLeftoverTestDatabases(adminUrl);
    assert.deepEqual(await existing(adminUrl, leftover), { databases: 0, roles: 0 });
    assert.deepEqual(await query(adminUrl, 'SELECT gid FROM pg_prepared_xacts WHERE database = $1', [leftover]), []);
    assert.deepEqual(await existing(adminUrl, mine.name), { databases: 1, roles: 2 });
  });
});
