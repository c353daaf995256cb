import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgbenchResult {
  binary: string;
  clients: number;
  seconds: number;
  /** pgbench -N (select, update one account, insert history row), transactions per second. */
  simpleUpdateTps: number;
  /** A custom script of one single-row INSERT per transaction: the cluster's commit rate. */
  singleInsertTps: number;
  synchronousCommit: string;
  fsync: string;
}

/** pgbench from PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (as scripts/infra/postgres.sh finds it), else PATH. */
export function findPgbench(): string {
  const fromEnvironment = process.env['PG_BIN'];
  if (fromEnvironment && existsSync(join(fromEnvironment, 'pgbench'))) {
    return join(fromEnvironment, 'pgbench');
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((version) => existsSync(join(root, version, 'bin/pgbench')))
      .sort((left, right) => Number(right) - Number(left));
    if (versions[0] !== undefined) {
      return join(root, versions[0], 'bin/pgbench');
    }
  }
  return 'pgbench';
}

/**
 * PostgreSQL's own commit rate on this machine: pgbench on a scratch database
 * (dropped afterwards), with a few clients, the standard -N workload and a
 * single-row insert per transaction.
 */
export async function measurePgbench(
  adminUrl: string,
  options: { seconds: number; clients: number; scratchDatabase: string },
): Promise<PgbenchResult> {
  const binary = findPgbench();
  const url = new URL(adminUrl);
  const database = options.scratchDatabase;
  const connection = [
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username || 'postgres'),
    database,
  ];
  const environment = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  const pgbench = async (args: string[]) =>
    (
      await run(binary, [...args, ...connection], {
        env: environment,
        timeout: (options.seconds + 120) * 1000,
        maxBuffer: 16 * 1024 * 1024,
      })
    ).stdout;
  const tpsOf = (output: string) => {
    const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
    if (!match?.[1]) {
      throw new Error(`pgbench printed no tps:\n${output}`);
    }
    return Math.round(Number(match[1]));
  };
  const load = [
    '-n',
    '-c',
    String(options.clients),
    '-j',
    String(Math.min(2, options.clients)),
    '-T',
    String(options.seconds),
  ];

  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'bench-pgbench' });
  await admin.connect();
  const folder = await mkdtemp(join(tmpdir(), 'bench-pgbench-'));
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
    await pgbench(['-i', '-s', '1', '-q']);
    const simpleUpdateTps = tpsOf(await pgbench([...load, '-N']));
    const scratch = new pg.Client({ connectionString: withDatabase(adminUrl, database) });
    await scratch.connect();
    await scratch
      .query('CREATE TABLE bench_commits (id bigserial PRIMARY KEY, v integer NOT NULL)')
      .finally(() => scratch.end());
    const script = join(folder, 'single-insert.sql');
    await writeFile(script, '\\set v random(1, 1000000)\nINSERT INTO bench_commits (v) VALUES (:v);\n');
    const singleInsertTps = tpsOf(await pgbench([...load, '-f', script]));
    const setting = async (name: string) =>
      (await admin.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name])).rows[0]
        ?.setting ?? '?';
    return {
      binary,
      clients: options.clients,
      seconds: options.seconds,
      simpleUpdateTps,
      singleInsertTps,
      synchronousCommit: await setting('synchronous_commit'),
      fsync: await setting('fsync'),
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
