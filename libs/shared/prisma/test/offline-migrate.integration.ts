import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  applyMigrations,
  DuplicateMigrationError,
  MigrationChangedError,
  MigrationFailedError,
  readMigrationFiles,
  readMigrationSources,
  serviceMigrationSources,
} from '../src/index.js';
import { createTestDatabase, repositoryRoot, serviceMigrationsDirectory, type TestDatabase } from '@dtx/testing';
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

/** Every migrations folder of the order database: the libraries' tables, then prisma/order/migrations. */
const orderSources = () => serviceMigrationSources('order', repositoryRoot());

/** Where each migration of these folders is on disk, by name. */
async function migrationPaths(directories: readonly string[]): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const directory of directories) {
    for (const file of await readMigrationFiles(directory)) {
      paths.set(file.name, join(directory, file.name, 'migration.sql'));
    }
  }
  return paths;
}

async function copyOfOrderMigrations(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
  await cp(serviceMigrationsDirectory('order'), folder, { recursive: true });
  return folder;
}

/**
 * The payment database as the project migrated it before the library-owned tables
 * moved to their libraries: the same statements the old copies in
 * prisma/payment/migrations ran, under their old names.
 */
const OLD_LAYOUT_COPIES: Record<string, string> = {
  '20261126000000_messaging': [
    'CREATE TABLE "outbox_messages" ("id" UUID NOT NULL, "sequence" BIGSERIAL NOT NULL, "topic" TEXT NOT NULL,',
    '  "message_key" TEXT NOT NULL, "message_type" TEXT NOT NULL, "headers" JSONB NOT NULL, "value" TEXT NOT NULL,',
    '  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "published_at" TIMESTAMPTZ(3),',
    '  CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id"));',
    'CREATE UNIQUE INDEX "outbox_messages_sequence_key" ON "outbox_messages"("sequence");',
    'CREATE INDEX "outbox_messages_pending_idx" ON "outbox_messages"("sequence") WHERE "published_at" IS NULL;',
    'CREATE INDEX "outbox_messages_published_at_idx" ON "outbox_messages"("published_at");',
    'CREATE TABLE "inbox_messages" ("consumer_group" TEXT NOT NULL, "message_id" TEXT NOT NULL,',
    '  "message_type" TEXT NOT NULL, "topic" TEXT NOT NULL, "partition" INTEGER NOT NULL, "offset" BIGINT NOT NULL,',
    '  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
    '  CONSTRAINT "inbox_messages_pkey" PRIMARY KEY ("consumer_group","message_id"));',
    'CREATE INDEX "inbox_messages_processed_at_idx" ON "inbox_messages"("processed_at");',
    'CREATE TABLE "lamport_clock" ("id" SMALLINT NOT NULL DEFAULT 1, "value" BIGINT NOT NULL DEFAULT 0,',
    '  CONSTRAINT "lamport_clock_pkey" PRIMARY KEY ("id"), CONSTRAINT "lamport_clock_single_row" CHECK ("id" = 1));',
    'INSERT INTO "lamport_clock" ("id", "value") VALUES (1, 0);',
  ].join('\n'),
  '20261126000200_saga_participants': [
    'CREATE TABLE "participant_steps" ("order_id" UUID NOT NULL, "resource" TEXT NOT NULL, "state" TEXT NOT NULL,',
    '  "action_outcome" TEXT, "action_reason" TEXT, "compensation_outcome" TEXT,',
    '  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
    '  CONSTRAINT "participant_steps_pkey" PRIMARY KEY ("order_id","resource"),',
    `  CONSTRAINT "participant_steps_state_check" CHECK ("state" IN ('ACTION_DONE', 'COMPENSATED')));`,
    'DROP TABLE "order_cancellations";',
  ].join('\n'),
  '20261126000500_two_phase_participations': [
    'CREATE TABLE "two_phase_participations" ("gid" TEXT NOT NULL, "transaction_id" UUID NOT NULL,',
    '  "outcome" TEXT NOT NULL, "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
    '  CONSTRAINT "two_phase_participations_pkey" PRIMARY KEY ("gid"),',
    `  CONSTRAINT "two_phase_participations_outcome_check" CHECK ("outcome" IN ('COMMITTED', 'ABORTED')));`,
  ].join('\n'),
};

/** Payment's migrations folder as it was then: its own migrations of that time plus the three copies. */
async function oldLayoutPaymentMigrations(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'migrations-old-'));
  for (const own of ['20261125000000_init', '20261126000100_choreography']) {
    await cp(join(serviceMigrationsDirectory('payment'), own), join(folder, own), { recursive: true });
  }
  for (const [name, sql] of Object.entries(OLD_LAYOUT_COPIES)) {
    await mkdir(join(folder, name));
    await writeFile(join(folder, name, 'migration.sql'), sql);
  }
  return folder;
}

/** Every column, constraint and index of the public schema (without the migrator's own table), one line each. */
async function schemaOf(url: string): Promise<string[]> {
  const rows = await query<{ item: string }>(
    url,
    `SELECT concat_ws(' ', 'column', table_name, column_name, data_type, is_nullable, column_default,
                      datetime_precision) AS item
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
     UNION ALL
     SELECT concat_ws(' ', 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid))
       FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace AND conrelid <> '"_prisma_migrations"'::regclass
     UNION ALL
     SELECT concat_ws(' ', 'index', indexdef)
       FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
     ORDER BY 1`,
  );
  return rows.map((row) => row.item);
}

async function recordedMigrations(url: string): Promise<string[]> {
  const rows = await query<{ migration_name: string }>(
    url,
    'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
  );
  return rows.map((row) => row.migration_name);
}

async function tablesOf(url: string): Promise<string[]> {
  const rows = await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
  return rows.map((row) => row.tablename);
}

const LIBRARY_MIGRATIONS = [
  '20261126000000_outbox',
  '20261126000001_inbox',
  '20261126000200_participant_steps',
  '20261205000200_participant_steps_retention',
  // Not 20261126000500_two_phase_participations: that name is the old copy, recorded with its own checksum.
  '20261126000501_two_phase_participations',
  '20261205000501_two_phase_participations_retention',
];

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
      const migrationsDirectories = orderSources();
      const files = await readMigrationSources(migrationsDirectories);
      const paths = await migrationPaths(migrationsDirectories);
      const report = await applyMigrations({ databaseUrl: database.url, migrationsDirectories });

      assert.ok(files.length >= 2);
      assert.deepEqual(report, { applied: files.map((file) => file.name), alreadyApplied: [] });
      const rows = await query<Record<string, unknown>>(
        database.url,
        'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
      );
      const names = files.map((file) => file.name).sort();
      assert.equal(rows.length, files.length);
      for (const [index, row] of rows.entries()) {
        const name = names[index] ?? '';
        const sql = await readFile(paths.get(name) ?? '', 'utf8');
        assert.equal(row['migration_name'], name);
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
      for (const table of [
        '_prisma_migrations',
        'orders',
        'order_items',
        'outbox_messages',
        'inbox_messages',
        'lamport_clock',
      ]) {
        assert.ok(
          tables.some((row) => row.tablename === table),
          `${table} exists`,
        );
      }
    });

    it('applies nothing on a second run', async () => {
      const migrationsDirectories = orderSources();
      const files = await readMigrationSources(migrationsDirectories);
      const report = await applyMigrations({ databaseUrl: database.url, migrationsDirectories });
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
    const migrationsDirectories = orderSources();
    const reports = await Promise.all([
      applyMigrations({ databaseUrl: database.url, migrationsDirectories }),
      applyMigrations({ databaseUrl: database.url, migrationsDirectories }),
    ]);
    const files = await readMigrationSources(migrationsDirectories);
    assert.deepEqual(reports.map((report) => report.applied.length).sort(), [0, files.length]);
    const rows = await query(database.url, 'SELECT 1 FROM "_prisma_migrations"');
    assert.equal(rows.length, files.length);
  });

  describe('the tables libraries own, for the payment database', () => {
    const paymentSources = () => serviceMigrationSources('payment', repositoryRoot());
    let database: TestDatabase;
    before(async () => {
      database = await freshDatabase();
    });

    it('applies them to a fresh database with the service migrations, all recorded in _prisma_migrations', async () => {
      const files = await readMigrationSources(paymentSources());
      const report = await applyMigrations({ databaseUrl: database.url, migrationsDirectories: paymentSources() });

      assert.deepEqual(report, { applied: files.map((file) => file.name), alreadyApplied: [] });
      assert.deepEqual(report.applied.slice(0, LIBRARY_MIGRATIONS.length), LIBRARY_MIGRATIONS);
      assert.ok(report.applied.includes('20261126000201_drop_order_cancellations'));
      assert.deepEqual(await recordedMigrations(database.url), files.map((file) => file.name).sort());
      const tables = await tablesOf(database.url);
      for (const table of [
        'outbox_messages',
        'lamport_clock',
        'inbox_messages',
        'participant_steps',
        'two_phase_participations',
        'payments',
        'accounts',
      ]) {
        assert.ok(tables.includes(table), `${table} exists`);
      }
      assert.ok(!tables.includes('order_cancellations'), 'order_cancellations is dropped');
      assert.deepEqual(await query(database.url, 'SELECT id, value::int AS value FROM lamport_clock'), [
        { id: 1, value: 0 },
      ]);
      const indexes = await query<{ indexname: string }>(
        database.url,
        `SELECT indexname FROM pg_indexes WHERE tablename IN ('outbox_messages', 'inbox_messages') ORDER BY indexname`,
      );
      assert.deepEqual(
        indexes.map((row) => row.indexname),
        [
          'inbox_messages_pkey',
          'inbox_messages_processed_at_idx',
          'outbox_messages_pending_idx',
          'outbox_messages_pkey',
          'outbox_messages_published_at_idx',
          'outbox_messages_sequence_key',
        ],
      );
    });

    it('applies nothing when run again', async () => {
      const files = await readMigrationSources(paymentSources());
      const logs: string[] = [];
      const report = await applyMigrations({
        databaseUrl: database.url,
        migrationsDirectories: paymentSources(),
        log: (message) => logs.push(message),
      });
      assert.deepEqual(report, { applied: [], alreadyApplied: files.map((file) => file.name) });
      assert.deepEqual(logs, []);
      assert.equal((await recordedMigrations(database.url)).length, files.length);
    });

    it('brings a database migrated with the old copies to the new layout, keeping its rows', async () => {
      const upgraded = await freshDatabase();
      const old = await applyMigrations({
        databaseUrl: upgraded.url,
        migrationsDirectory: await oldLayoutPaymentMigrations(),
      });
      assert.deepEqual(old.applied, [
        '20261125000000_init',
        '20261126000000_messaging',
        '20261126000100_choreography',
        '20261126000200_saga_participants',
        '20261126000500_two_phase_participations',
      ]);
      await query(upgraded.url, 'UPDATE lamport_clock SET value = 41');
      await query(
        upgraded.url,
        `INSERT INTO outbox_messages (id, topic, message_key, message_type, headers, value)
         VALUES ('00000000-0000-4000-8000-000000000001', 'payments', 'k', 'PaymentAuthorized', '{}', '{}')`,
      );

      const logs: string[] = [];
      const files = await readMigrationSources(paymentSources());
      const report = await applyMigrations({
        databaseUrl: upgraded.url,
        migrationsDirectories: paymentSources(),
        log: (message) => logs.push(message),
      });

      const ownOfThatTime = ['20261125000000_init', '20261126000100_choreography'];
      assert.deepEqual(report, {
        applied: files.map((file) => file.name).filter((name) => !ownOfThatTime.includes(name)),
        alreadyApplied: ownOfThatTime,
      });
      for (const name of [...LIBRARY_MIGRATIONS, '20261126000201_drop_order_cancellations']) {
        assert.ok(report.applied.includes(name), `${name} applied`);
      }
      for (const name of Object.keys(OLD_LAYOUT_COPIES)) {
        assert.ok(
          logs.includes(`warning: ${name} is applied but missing from every migrations folder`),
          `warns about ${name}`,
        );
      }
      assert.deepEqual(await query(upgraded.url, 'SELECT id, value::int AS value FROM lamport_clock'), [
        { id: 1, value: 41 },
      ]);
      assert.equal((await query(upgraded.url, 'SELECT 1 FROM outbox_messages')).length, 1);
      assert.deepEqual(await schemaOf(upgraded.url), await schemaOf(database.url));

      const again = await applyMigrations({ databaseUrl: upgraded.url, migrationsDirectories: paymentSources() });
      assert.deepEqual(again.applied, []);
    });
  });

  it('refuses a migration name found in two folders, before touching the database', async () => {
    const database = await freshDatabase();
    const outbox = join(repositoryRoot(), 'libs/shared/outbox/migrations');
    const [first] = await readMigrationFiles(outbox);
    const service = await mkdtemp(join(tmpdir(), 'migrations-'));
    await mkdir(join(service, first?.name ?? ''));
    await writeFile(join(service, first?.name ?? '', 'migration.sql'), 'CREATE TABLE clash (id int);');

    await assert.rejects(
      applyMigrations({ databaseUrl: database.url, migrationsDirectories: [outbox, service] }),
      (error: unknown) =>
        error instanceof DuplicateMigrationError &&
        error.migrationName === first?.name &&
        error.directories[0] === outbox &&
        error.directories[1] === service,
    );
    assert.deepEqual(await tablesOf(database.url), []);
  });
});
