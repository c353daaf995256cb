import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot, SERVICE_NAMES, type RunningSystem } from '@dtx/testing';
import pg from 'pg';
import type { WatchedProcess } from './process-usage.js';

function pidFromFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The postmaster's pid, from postmaster.pid in the cluster's data directory (readable when the cluster runs on this machine). */
async function postmasterPid(postgresAdminUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return rows[0] ? pidFromFile(join(rows[0].data_directory, 'postmaster.pid')) : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/**
 * Every process whose CPU counts toward an order: the five services, the
 * PostgreSQL cluster (with its backends), the Kafka broker and Jaeger, as
 * far as they run on this machine. The load generator is not among them.
 */
export async function watchedProcesses(system: RunningSystem, postgresAdminUrl: string): Promise<WatchedProcess[]> {
  const local = join(repositoryRoot(), '.local');
  const infrastructure: [string, number | undefined, boolean][] = [
    ['postgres', await postmasterPid(postgresAdminUrl), true],
    ['kafka', pidFromFile(join(local, 'kafka/kafka.pid')), false],
    ['jaeger', pidFromFile(join(local, 'jaeger/jaeger.pid')), false],
  ];
  return [
    ...SERVICE_NAMES.map((name) => ({ name, pid: system.process(name).pid, withChildren: false })),
    ...infrastructure
      .filter((entry): entry is [string, number, boolean] => entry[1] !== undefined)
      .map(([name, pid, withChildren]) => ({ name, pid, withChildren })),
  ];
}
