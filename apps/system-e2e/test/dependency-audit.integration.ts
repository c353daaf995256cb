import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repositoryRoot } from '@dtx/testing';

/*
 * scripts/dependency-audit.sh with osv-scanner, the check that runs where npm's
 * advisory endpoint does not answer, on an OSV database of npm advisories this
 * test writes: advisories against the versions in package-lock.json.
 */

const root = repositoryRoot();
const run = promisify(execFile);

interface Advisory {
  id: string;
  package: string;
  rating?: 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';
  cvss?: string;
}

/** An OSV entry affecting every version of the package below 99. */
function osvEntry({ id, package: name, rating, cvss }: Advisory): object {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2026-01-01T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    summary: `test advisory for ${name}`,
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '99.0.0' }] }],
      },
    ],
    ...(rating ? { database_specific: { severity: rating } } : {}),
    ...(cvss ? { severity: [{ type: 'CVSS_V3', score: cvss }] } : {}),
  };
}

/** The database as OSV publishes it: one zip of JSON files (written with Python's zipfile). */
async function osvDatabase(folder: string, advisories: Advisory[]): Promise<string> {
  const entries = join(folder, 'entries.json');
  const zip = join(folder, `${advisories.map((advisory) => advisory.id).join('_')}.zip`);
  await writeFile(entries, JSON.stringify(advisories.map((advisory) => [advisory.id, osvEntry(advisory)])));
  await run('python3', [
    '-c',
    'import json, sys, zipfile\n' +
      'with zipfile.ZipFile(sys.argv[2], "w") as archive:\n' +
      '    for id, entry in json.load(open(sys.argv[1])):\n' +
      '        archive.writestr(id + ".json", json.dumps(entry))',
    entries,
    zip,
  ]);
  return zip;
}

async function audit(database: string): Promise<{ code: number; output: string }> {
  return run('bash', [join(root, 'scripts/dependency-audit.sh')], {
    cwd: root,
    env: { ...process.env, DEPENDENCY_AUDIT_SOURCE: 'osv', DEPENDENCY_AUDIT_OSV_DB: database },
    timeout: 20 * 60_000,
  })
    .then(({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }))
    .catch((error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === 'number' ? error.code : -1,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }));
}

describe('the dependency audit (osv-scanner on an offline OSV database)', () => {
  let folder: string;
  let pgVersion: string;

  before(
    async () => {
      folder = await mkdtemp(join(tmpdir(), 'dtx-audit-'));
      const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string; dev?: boolean }>;
      };
      pgVersion = lock.packages['node_modules/pg']?.version ?? '';
      assert.ok(pgVersion && !lock.packages['node_modules/pg']?.dev, 'pg is a production dependency');
      assert.equal(lock.packages['node_modules/prettier']?.dev, true, 'prettier is a dev dependency');
      // The first run builds osv-scanner from the Go module proxy: minutes, not the usual test timeout.
      await audit(await osvDatabase(folder, [{ id: 'GHSA-warm-0000-0000', package: 'left-pad', rating: 'LOW' }]));
    },
    { timeout: 20 * 60_000 },
  );
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('fails on a critical advisory of a production dependency, rated by its CVSS score alone, and names it', async () => {
    const database = await osvDatabase(folder, [
      { id: 'GHSA-test-crit-0001', package: 'pg', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ]);
    const { code, output } = await audit(database);
    assert.equal(code, 1, output);
    assert.match(output, new RegExp(`critical: pg ${pgVersion.replaceAll('.', '\\.')} \\(GHSA-test-crit-0001\\)`));
  });

  it('passes a moderate advisory of a production dependency and a critical one of a dev dependency', async () => {
    const database = await osvDatabase(folder, [
      { id: 'GHSA-test-mod-0002', package: 'pg', rating: 'MODERATE' },
      { id: 'GHSA-test-dev-0003', package: 'prettier', rating: 'CRITICAL' },
    ]);
    const { code, output } = await audit(database);
    assert.equal(code, 0, output);
    assert.match(output, /1 production package\(s\) with advisories, 1 advisory group\(s\), 0 high or critical/);
    assert.doesNotMatch(output, /prettier/);
  });
});
