import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  combineMigrationSources,
  DuplicateMigrationError,
  readMigrationFiles,
  type MigrationFile,
} from './offline-migrate.js';

describe('readMigrationFiles', () => {
  it('reads migrations in timestamp order with the SHA-256 checksum prisma records', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
    const files: [string, string][] = [
      ['20260102000000_second', 'SELECT 2;\n'],
      ['20260101000000_first', 'SELECT 1;\n'],
    ];
    for (const [name, sql] of files) {
      await mkdir(join(folder, name));
      await writeFile(join(folder, name, 'migration.sql'), sql);
    }
    await writeFile(join(folder, 'migration_lock.toml'), 'provider = "postgresql"\n');

    const migrations = await readMigrationFiles(folder);

    assert.deepEqual(
      migrations.map((migration) => migration.name),
      ['20260101000000_first', '20260102000000_second'],
    );
    assert.equal(migrations[0]?.checksum, createHash('sha256').update('SELECT 1;\n').digest('hex'));
    assert.match(migrations[1]?.checksum ?? '', /^[0-9a-f]{64}$/);
  });
});

describe('combineMigrationSources', () => {
  const migration = (name: string): MigrationFile => ({ name, sql: `-- ${name}\n`, checksum: name });

  it('keeps the folders in the order given, each in its own order', () => {
    const combined = combineMigrationSources([
      { directory: 'libs/shared/outbox/migrations', migrations: [migration('20261126000000_outbox')] },
      { directory: 'libs/shared/inbox/migrations', migrations: [migration('20261126000001_inbox')] },
      {
        directory: 'prisma/order/migrations',
        migrations: [migration('20261125000000_init'), migration('20261126000100_choreography')],
      },
    ]);
    assert.deepEqual(
      combined.map((file) => file.name),
      ['20261126000000_outbox', '20261126000001_inbox', '20261125000000_init', '20261126000100_choreography'],
    );
  });

  it('accepts no folder, or folders without migrations', () => {
    assert.deepEqual(combineMigrationSources([]), []);
    assert.deepEqual(combineMigrationSources([{ directory: 'a', migrations: [] }]), []);
  });

  it('refuses a migration name that appears in two folders, naming both', () => {
    assert.throws(
      () =>
        combineMigrationSources([
          { directory: 'libs/shared/outbox/migrations', migrations: [migration('20261126000000_messaging')] },
          { directory: 'libs/shared/inbox/migrations', migrations: [migration('20261126000001_inbox')] },
          {
            directory: 'prisma/order/migrations',
            migrations: [migration('20261125000000_init'), migration('20261126000000_messaging')],
          },
        ]),
      (error: unknown) =>
        error instanceof DuplicateMigrationError &&
        error.migrationName === '20261126000000_messaging' &&
        error.directories[0] === 'libs/shared/outbox/migrations' &&
        error.directories[1] === 'prisma/order/migrations' &&
        /20261126000000_messaging is in two migrations folders/.test(error.message),
    );
  });
});
