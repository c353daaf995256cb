import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, MigrationChangedError, MigrationFailedError, readMigrationFiles } from '../src/index.js';
import { createTestDatabase, serviceMigrationsDirectory, type TestDatabase } from '@dtx/testing';
import pg from 'pg';

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function copyOfOrderMigrations(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
  await cp(serviceMigrationsDirectory('order'), folder, { recursive: true });
  return folder;
}

describe('offline migrate against PostgreSQL', () => {
  const databases: TestDatabase[] = [];
  const freshDatabase = async () => {
    const database = await createTestDatabase('migrate');
    databases.push(database);
    return database;
  };
  after(async () => Promise.all(databases.map((database) => database.drop())));

  describe('on an empty database', () => {
    let database: TestDatabase;
    before(async () => {
      database = await freshDatabase();
    });

    it('applies every migration and records it as prisma migrate deploy does', async () => {
      const migrationsDirectory = serviceMigrationsDirectory('order');
      const files = await readMigrationFiles(migrationsDirectory);
      const report = await applyMigrations({ databaseUrl: database.url, migrationsDirectory });

      assert.ok(files.length >= 2);
      assert.deepEqual(report, { applied: files.map((file) => file.name), alreadyApplied: [] });
      const rows = await query<Record<string, unknown>>(database.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
      assert.equal(rows.length, files.length);
      for (const [index, row] of rows.entries()) {
        const file = files[index];
        const sql = await readFile(join(migrationsDirectory, file?.name ?? '', 'migration.sql'), 'utf8');
        assert.equal(row['migration_name'], file?.name);
        assert.equal(row['checksum'], createHash('sha256').update(sql).digest('hex'));
        assert.match(String(row['id']), /^[0-9a-f-]{36}$/);
        assert.ok(row['finished_at'] instanceof Date);
        assert.ok(row['started_at'] instanceof Date);
        assert.equal(row['applied_steps_count'], 1);
        assert.equal(row['logs'], null);
        assert.equal(row['rolled_back_at'], null);
      }
      const tables = await query<{ tablename: string }>(
        database.url,
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
      );
      for (const table of ['_prisma_migrations', 'orders', 'order_items', 'outbox_messages', 'inbox_messages', 'lamport_clock']) {
        assert.ok(tables.some((row) => row.tablename === table), `${table} exists`);
      }
    });

    it('applies nothing on a second run', async () => {
      const migrationsDirectory = serviceMigrationsDirectory('order');
      const files = await readMigrationFiles(migrationsDirectory);
      const report = await applyMigrations({ databaseUrl: database.url, migrationsDirectory });
      assert.deepEqual(report, { applied: [], alreadyApplied: files.map((file) => file.name) });
      const rows = await query(database.url, 'SELECT 1 FROM "_prisma_migrations"');
      assert.equal(rows.length, files.length);
    });
  });

  it('refuses a migration file changed after it was applied, and changes nothing', async () => {
    const database = await freshDatabase();
    const migrationsDirectory = await copyOfOrderMigrations();
    await applyMigrations({ databaseUrl: database.url, migrationsDirectory });
    const file = join(migrationsDirectory, '20261125000000_init', 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')) + '\nCREATE TABLE sneaky (id int);\n');
    await mkdir(join(migrationsDirectory, '20991231000000_next'));
    await writeFile(join(migrationsDirectory, '20991231000000_next', 'migration.sql'), 'CREATE TABLE next (id int);');

    await assert.rejects(
      applyMigrations({ databaseUrl: database.url, migrationsDirectory }),
      (error: unknown) =>
        error instanceof MigrationChangedError &&
        error.migrationName === '20261125000000_init' &&
        /was changed after it was applied/.test(error.message),
    );
    const tables = await query<{ tablename: string }>(
      database.url,
      `SELECT tablename FROM pg_tables WHERE tablename IN ('sneaky', 'next')`,
    );
    assert.deepEqual(tables, []);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const database = await freshDatabase();
    const migrationsDirectory = await copyOfOrderMigrations();
    await mkdir(join(migrationsDirectory, '20991231000000_broken'));
    await writeFile(
      join(migrationsDirectory, '20991231000000_broken', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
    );

    await assert.rejects(
      applyMigrations({ databaseUrl: database.url, migrationsDirectory }),
      (error: unknown) => error instanceof MigrationFailedError && /20991231000000_broken/.test(error.message),
    );
    const migrations = await query<{ migration_name: string }>(
      database.url,
      'SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name',
    );
    assert.ok(migrations.length >= 1);
    assert.ok(!migrations.some((row) => row.migration_name === '20991231000000_broken'));
    assert.deepEqual(await query(database.url, `SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`), []);
  });

  it('lets two migrators race on one database: each migration is applied exactly once', async () => {
    const database = await freshDatabase();
    const migrationsDirectory = serviceMigrationsDirectory('order');
    const reports = await Promise.all([
      applyMigrations({ databaseUrl: database.url, migrationsDirectory }),
      applyMigrations({ databaseUrl: database.url, migrationsDirectory }),
    ]);
    const files = await readMigrationFiles(migrationsDirectory);
    assert.deepEqual(reports.map((report) => report.applied.length).sort(), [0, files.length]);
    const rows = await query(database.url, 'SELECT 1 FROM "_prisma_migrations"');
    assert.equal(rows.length, files.length);
  });
});
