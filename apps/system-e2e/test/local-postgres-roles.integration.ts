import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  repositoryRoot,
  RUNTIME_ROLE_SETTINGS,
  SERVICE_NAMES,
  serviceDatabaseName,
  startDisposablePostgres,
  type DisposablePostgres,
} from '@dtx/testing';
import pg from 'pg';

/*
 * The local cluster that scripts/infra/postgres.sh makes (npm run infra:up):
 * an owner and a runtime role per service with passwords made once, password
 * authentication for them, and a cluster made before the roles existed taken
 * over on the next `up` without losing its data.
 */

const run = promisify(execFile);

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

async function migrateAsOwner(postgres: DisposablePostgres, service: string, database: string): Promise<void> {
  const root = repositoryRoot();
  await run(process.execPath, [
    join(root, 'libs/shared/prisma/dist/src/cli/migrate.js'),
    ...['--database-url', await postgres.databaseUrlAs(`${service}_owner`, database)],
    ...['--service', service, '--root', root, '--runtime-role', `${service}_runtime`],
  ]);
}

describe('the local cluster of scripts/infra/postgres.sh: roles, passwords, access rules', () => {
  let postgres: DisposablePostgres;

  before(async () => {
    postgres = await startDisposablePostgres();
  });
  after(async () => {
    await postgres?.destroy();
  });

  it('keeps a password per role under credentials/, readable by the user alone, and a pgpass for psql', async () => {
    const credentials = join(postgres.stateDirectory, 'credentials');
    const roles = SERVICE_NAMES.flatMap((service) => [`${service}_owner`, `${service}_runtime`]);
    assert.deepEqual((await readdir(credentials)).sort(), [...roles, 'dtx_reader', 'pgpass'].sort());
    assert.equal((await stat(credentials)).mode & 0o777, 0o700);
    for (const file of await readdir(credentials)) {
      assert.equal((await stat(join(credentials, file))).mode & 0o077, 0, `${file} is readable by others`);
    }
    const password = (await readFile(join(credentials, 'order_runtime'), 'utf8')).trim();
    assert.match(password, /^[A-Za-z0-9_-]{32}$/);
    assert.match(
      await readFile(join(credentials, 'pgpass'), 'utf8'),
      new RegExp(`^\\*:\\*:orders:order_runtime:${password}$`, 'm'),
    );
  });

  it('signs the service roles in by password only (SCRAM), the postgres superuser without one', async () => {
    const url = new URL(await postgres.databaseUrlAs('order_runtime', 'orders'));
    const withoutPassword = `postgresql://order_runtime@127.0.0.1:${postgres.port}/orders`;
    const wrongPassword = `postgresql://order_runtime:wrong@127.0.0.1:${postgres.port}/orders`;
    await assert.rejects(query(withoutPassword, 'SELECT 1'), /password/);
    assert.equal(await sqlState(query(wrongPassword, 'SELECT 1')), '28P01');
    assert.deepEqual(await query(url.toString(), 'SELECT current_user AS user'), [{ user: 'order_runtime' }]);
    const socket = `postgresql://order_runtime:${url.password}@localhost:${postgres.port}/orders?host=${join(postgres.stateDirectory, 'run')}`;
    assert.deepEqual(await query(socket, 'SELECT current_user AS user'), [{ user: 'order_runtime' }]);
    assert.deepEqual(
      await query(
        postgres.databaseUrl('orders'),
        `SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'order_runtime'`,
      ),
      [{ scram: true }],
    );
    assert.deepEqual(await query(postgres.databaseUrl('orders'), 'SELECT current_user AS user'), [
      { user: 'postgres' },
    ]);
  });

  it('gives every runtime role the same timeouts as the test harness does, and the owners own the databases', async () => {
    for (const service of SERVICE_NAMES) {
      const database = serviceDatabaseName(service);
      const settings = await query<Record<string, string>>(
        await postgres.databaseUrlAs(`${service}_runtime`, database),
        `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout,
                current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout`,
      );
      assert.deepEqual(settings, [{ ...RUNTIME_ROLE_SETTINGS }], service);
      const [owner] = await query<{ owner: string }>(
        postgres.databaseUrl(database),
        `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`,
      );
      assert.equal(owner?.owner, `${service}_owner`);
    }
  });

  it('the read-only role reads every service database and writes none', async () => {
    await migrateAsOwner(postgres, 'payment', 'payments');
    const reader = await postgres.databaseUrlAs('dtx_reader', 'payments');
    assert.deepEqual(await query(reader, 'SELECT count(*)::int AS rows FROM lamport_clock'), [{ rows: 1 }]);
    assert.equal(await sqlState(query(reader, 'UPDATE lamport_clock SET value = value + 1')), '25006');
  });

  it('takes over a cluster made before the roles: on the next up, tables the superuser made go to the owner, the data stays', async () => {
    const superuser = postgres.databaseUrl('inventory');
    // The cluster as it was: the database and a migrated table the superuser's, no inventory roles, trust for all.
    await query(superuser, 'CREATE TABLE made_before (id bigserial PRIMARY KEY, note text)');
    await query(superuser, `INSERT INTO made_before (note) VALUES ('kept')`);
    await query(postgres.databaseUrl('postgres'), 'ALTER DATABASE inventory OWNER TO postgres');
    await query(
      postgres.databaseUrl('postgres'),
      'REVOKE CONNECT ON DATABASE inventory FROM inventory_runtime, dtx_reader',
    );
    await query(postgres.databaseUrl('postgres'), 'DROP ROLE inventory_runtime, inventory_owner');
    await rm(join(postgres.stateDirectory, 'credentials', 'inventory_runtime'));
    await postgres.stop();
    await writeFile(join(postgres.stateDirectory, 'data', 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');

    await postgres.start();
    const wrongPassword = `postgresql://inventory_runtime:wrong@127.0.0.1:${postgres.port}/inventory`;
    assert.equal(await sqlState(query(wrongPassword, 'SELECT 1')), '28P01', 'password authentication is back');
    await migrateAsOwner(postgres, 'inventory', 'inventory');
    const owners = await query<{ relname: string; owner: string }>(
      superuser,
      `SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class
        WHERE relname IN ('made_before', 'made_before_id_seq', 'stock_items') ORDER BY relname`,
    );
    assert.deepEqual(owners, [
      { relname: 'made_before', owner: 'inventory_owner' },
      { relname: 'made_before_id_seq', owner: 'inventory_owner' },
      { relname: 'stock_items', owner: 'inventory_owner' },
    ]);
    const runtime = await postgres.databaseUrlAs('inventory_runtime', 'inventory');
    await query(runtime, `INSERT INTO made_before (note) VALUES ('added by the runtime role')`);
    assert.deepEqual(await query(runtime, 'SELECT note FROM made_before ORDER BY id'), [
      { note: 'kept' },
      { note: 'added by the runtime role' },
    ]);
    assert.equal(await sqlState(query(runtime, 'DROP TABLE made_before')), '42501');
  });
});
