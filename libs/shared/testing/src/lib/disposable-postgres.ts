import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { repositoryRoot } from './repository.js';

const run = promisify(execFile);

export interface DisposablePostgres {
  port: number;
  /** Where the script keeps the cluster's data, credentials and log. */
  stateDirectory: string;
  /** URL of one of the service databases the cluster was created with (orders, inventory, ...), as the superuser. */
  databaseUrl(database: string): string;
  /** The same, as one of the roles the script made (order_runtime, order_owner, dtx_reader, ...), with its password. */
  databaseUrlAs(role: string, database: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and deletes its files. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of its own for a test that must stop and restart the
 * database, made by the project's own scripts/infra/postgres.sh in a temporary
 * folder on a free port, so the shared cluster other suites use is untouched.
 */
export async function startDisposablePostgres(): Promise<DisposablePostgres> {
  const stateDirectory = await mkdtemp(join(tmpdir(), 'dtx-postgres-'));
  const port = await freePort();
  const script = join(repositoryRoot(), 'scripts/infra/postgres.sh');
  const environment = { ...process.env, POSTGRES_STATE_DIR: stateDirectory, POSTGRES_PORT: String(port) };
  const postgres = (command: string) => run('bash', [script, command], { env: environment }).then(() => undefined);

  await postgres('up');
  return {
    port,
    stateDirectory,
    databaseUrl: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    databaseUrlAs: async (role, database) => {
      const password = (await readFile(join(stateDirectory, 'credentials', role), 'utf8')).trim();
      return `postgresql://${role}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    },
    stop: () => postgres('down'),
    start: () => postgres('up'),
    destroy: async () => {
      await postgres('down');
      await rm(stateDirectory, { recursive: true, force: true });
    },
  };
}
