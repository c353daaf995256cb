import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readMigrationFiles } from './offline-migrate.js';

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
