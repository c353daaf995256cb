import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, grantRuntimeAccess, RuntimeRoleRefusedError, serviceMigrationSources } from '@dtx/prisma';
import { createSqlPool } from '@dtx/sql';
import {
  createMigratedTestDatabase,
  createTestDatabase,
  repositoryRoot,
  RUNTIME_ROLE_SETTINGS,
  type TestDatabase,
} from '@dtx/testing';
import pg from 'pg';

/*
 * A service's database as the services use it: migrated by the offline migrate
 * command as the database's owner, and used by the service as its runtime role,
 * which reads and writes rows and cannot change the schema.
 */

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
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

describe('a service database: migrated as its owner, used as its runtime role', () => {
  let database: TestDatabase;

  before(async () => {
    // Through the dtx-migrate command, as every deployment migrates.
    database = await createMigratedTestDatabase('order');
  });
  after(async () => {
    await database?.drop();
  });

  it('the owner owns every table and sequence; the runtime role owns nothing and may create nothing', async () => {
    const facts = await withClient(database.url, async (client) => {
      const { rows } = await client.query<{ owners: string[]; runtime_owns: number; create: boolean; member: boolean }>(
        `SELECT array(SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = relnamespace
                       WHERE nspname = 'public' AND relkind IN ('r', 'S'))::text[] AS owners,
                (SELECT count(*)::int FROM pg_class WHERE relowner = $2::regrole) AS runtime_owns,
                has_schema_privilege($2, 'public', 'CREATE') AS create,
                pg_has_role($2, $1, 'MEMBER') AS member`,
        [database.roles.owner, database.roles.runtime],
      );
      return rows[0];
    });
    assert.deepEqual(facts, { owners: [database.roles.owner], runtime_owns: 0, create: false, member: false });
  });

  it('the runtime role cannot change the schema: ALTER, CREATE, DROP and TRUNCATE fail with 42501', async () => {
    await withClient(database.runtimeUrl, async (client) => {
      for (const statement of [
        'ALTER TABLE orders ADD COLUMN sneaky integer',
        'CREATE TABLE sneaky (id integer)',
        'CREATE TEMPORARY TABLE sneaky (id integer)',
        'CREATE INDEX sneaky_idx ON outbox_messages (topic)',
        'DROP TABLE outbox_messages',
        'TRUNCATE inbox_messages',
        'CREATE SCHEMA sneaky',
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'x', 'sneaky')`,
      ]) {
        assert.equal(await sqlState(client.query(statement)), '42501', statement);
      }
    });
  });

  it('the runtime role reads and writes rows and draws from the sequences', async () => {
    await withClient(database.runtimeUrl, async (client) => {
      const id = randomUUID();
      await client.query(
        `INSERT INTO outbox_messages (id, topic, message_key, message_type, headers, value)
         VALUES ($1, 'orders.created', 'k', 'OrderCreated', '{}', '{}')`,
        [id],
      );
      const { rows } = await client.query<{ sequence: string }>('SELECT sequence FROM outbox_messages WHERE id = $1', [
        id,
      ]);
      assert.ok(Number(rows[0]?.sequence) >= 1);
      assert.equal(
        (await client.query('UPDATE outbox_messages SET published_at = now() WHERE id = $1', [id])).rowCount,
        1,
      );
      assert.equal((await client.query('DELETE FROM outbox_messages WHERE id = $1', [id])).rowCount, 1);
      const migrations = await client.query('SELECT migration_name FROM "_prisma_migrations"');
      assert.ok(migrations.rowCount && migrations.rowCount > 0, 'the migrations are readable');
    });
  });

  it('the runtime role has what the outbox and two-phase commit need: NOTIFY, LISTEN, advisory locks, prepared transactions', async () => {
    await withClient(database.runtimeUrl, async (listener) => {
      const received = new Promise<string | undefined>((resolve) =>
        listener.on('notification', (message) => resolve(message.payload)),
      );
      await listener.query('LISTEN roles_test');
      assert.deepEqual((await listener.query('SELECT pg_try_advisory_lock(42) AS locked')).rows, [{ locked: true }]);
      await withClient(database.runtimeUrl, async (client) => {
        await client.query(`SELECT pg_notify('roles_test', 'hello')`);
        const gid = `roles-test-${randomUUID()}`;
        await client.query('BEGIN');
        await client.query('UPDATE lamport_clock SET value = value + 1');
        await client.query(`PREPARE TRANSACTION '${gid}'`);
        const prepared = await client.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1', [gid]);
        assert.equal(prepared.rowCount, 1);
        await client.query(`COMMIT PREPARED '${gid}'`);
        const other = `roles-test-${randomUUID()}`;
        await client.query('BEGIN');
        await client.query('UPDATE lamport_clock SET value = value + 1');
        await client.query(`PREPARE TRANSACTION '${other}'`);
        await client.query(`ROLLBACK PREPARED '${other}'`);
      });
      assert.equal(await received, 'hello');
    });
  });

  it('the runtime role starts with its timeouts; a service pool sends its own, which win, 0 (no limit) included', async () => {
    const show = (client: pg.Client | pg.Pool) =>
      client
        .query<{ statement_timeout: string; lock_timeout: string; idle_in_transaction_session_timeout: string }>(
          `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout,
                  current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout`,
        )
        .then(({ rows }) => ({ ...rows[0] }));
    assert.deepEqual(await withClient(database.runtimeUrl, show), { ...RUNTIME_ROLE_SETTINGS });
    const statementTimeout = await withClient(database.runtimeUrl, (client) => client.query('SHOW statement_timeout'));
    assert.deepEqual(statementTimeout.rows, [{ statement_timeout: RUNTIME_ROLE_SETTINGS.statement_timeout }]);

    const pool = createSqlPool({
      databaseUrl: database.runtimeUrl,
      applicationName: 'roles-test',
      statementTimeoutMs: 5_000,
      lockTimeoutMs: 0,
      idleInTransactionTimeoutMs: 0,
    });
    try {
      assert.deepEqual(await show(pool), {
        statement_timeout: '5s',
        lock_timeout: '0',
        idle_in_transaction_session_timeout: '0',
      });
    } finally {
      await pool.end();
    }
  });

  it('the role timeouts are in effect: a runtime session waits for a row lock no longer than lock_timeout', async () => {
    await withClient(database.runtimeUrl, async (holder) => {
      await holder.query('BEGIN');
      await holder.query('UPDATE lamport_clock SET value = value + 1');
      try {
        const startedAt = Date.now();
        const state = await withClient(database.runtimeUrl, (waiter) =>
          sqlState(waiter.query('UPDATE lamport_clock SET value = value + 1')),
        );
        const waitedMs = Date.now() - startedAt;
        assert.equal(state, '55P03', 'lock_timeout, not a statement that waited on');
        assert.ok(waitedMs >= 9_000 && waitedMs < 20_000, `gave up after ${waitedMs} ms, not the role's 10 s`);
      } finally {
        await holder.query('ROLLBACK');
      }
    });
  });

  it('no other role may connect to the database', async () => {
    const other = await createTestDatabase('roles_other');
    try {
      const foreignUrl = new URL(other.runtimeUrl);
      foreignUrl.pathname = `/${database.name}`;
      assert.equal(await sqlState(withClient(foreignUrl.toString(), async () => undefined)), '42501');
    } finally {
      await other.drop();
    }
  });
});

describe('migrations run as the owner grant the runtime role what later migrations add', () => {
  let database: TestDatabase;
  let folder: string;

  before(async () => {
    database = await createTestDatabase('roles_later');
    folder = await mkdtemp(join(tmpdir(), 'dtx-roles-'));
  });
  after(async () => {
    await database?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('migrate as the owner works on a fresh database, and a table of a later migration is the runtime role’s to write', async () => {
    const migrationsDirectories = serviceMigrationSources('payment', repositoryRoot());
    const report = await applyMigrations({
      databaseUrl: database.ownerUrl,
      migrationsDirectories,
      runtimeRole: database.roles.runtime,
    });
    assert.ok(report.applied.length > 0);

    const later = join(folder, '20991231000000_later');
    await mkdir(later, { recursive: true });
    await writeFile(join(later, 'migration.sql'), 'CREATE TABLE later_table (id bigserial PRIMARY KEY, note text);');
    const again = await applyMigrations({
      databaseUrl: database.ownerUrl,
      migrationsDirectories: [...migrationsDirectories, folder],
      runtimeRole: database.roles.runtime,
    });
    assert.deepEqual(again.applied, ['20991231000000_later']);

    await withClient(database.runtimeUrl, async (client) => {
      await client.query(`INSERT INTO later_table (note) VALUES ('written by the runtime role')`);
      assert.equal((await client.query('SELECT * FROM later_table')).rowCount, 1);
      assert.equal(await sqlState(client.query('ALTER TABLE later_table ADD COLUMN sneaky int')), '42501');
    });
  });

  it('refuses a runtime role that is the owner, a superuser, or no role at all', async () => {
    await withClient(database.ownerUrl, async (client) => {
      const superuser = decodeURIComponent(new URL(database.url).username);
      for (const role of [database.roles.owner, superuser, `no_such_role_${Date.now()}`]) {
        await assert.rejects(grantRuntimeAccess(client, role), RuntimeRoleRefusedError, role);
      }
    });
  });
});
