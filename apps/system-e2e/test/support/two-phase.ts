import type { TransactionView } from '@dtx/contracts';
import type { RunningSystem } from '@dtx/testing';
import pg from 'pg';
import { eventually } from './shop-client.js';

const databaseName = (url: string) => new URL(url).pathname.slice(1);

export interface PreparedTransaction {
  gid: string;
  database: string;
}

/** The prepared transactions (pg_prepared_xacts) in this system's databases: in doubt, holding locks. */
export async function preparedTransactions(system: RunningSystem): Promise<PreparedTransaction[]> {
  const client = new pg.Client({ connectionString: system.databaseUrl('order') });
  await client.connect();
  try {
    const databases = (['order', 'inventory', 'payment'] as const).map((service) => databaseName(system.databaseUrl(service)));
    const { rows } = await client.query<PreparedTransaction>(
      'SELECT gid, database FROM pg_prepared_xacts WHERE database = ANY($1) ORDER BY gid',
      [databases],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Runs SQL on one service's database. */
export async function queryDatabase<Row extends pg.QueryResultRow>(
  system: RunningSystem,
  service: 'order' | 'inventory' | 'payment' | 'coordinator',
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: system.databaseUrl(service) });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function transactionOf(system: RunningSystem, id: string): Promise<{ status: number; body: TransactionView }> {
  const response = await fetch(`${system.url('coordinator')}/transactions/${id}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as TransactionView };
}

/** Waits until the coordinator reports the transaction finished (every participant acknowledged). */
export function finishedTransaction(system: RunningSystem, id: string, timeoutMs = 30_000): Promise<TransactionView> {
  return eventually(
    async () => (await transactionOf(system, id)).body,
    (view) => view.state === 'COMMITTED' || view.state === 'ABORTED',
    timeoutMs,
  );
}

/** Arms a coordinator crash point (PUT /admin/crash-point). */
export async function armCrashPoint(
  system: RunningSystem,
  point: 'after-prepare' | 'after-decision' | 'mid-phase-two',
  action: { action: 'kill' } | { action: 'pause'; pauseMs: number } = { action: 'kill' },
): Promise<void> {
  const response = await fetch(`${system.url('coordinator')}/admin/crash-point`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ point, ...action }),
  });
  if (response.status !== 200) {
    throw new Error(`arming ${point} answered ${response.status}: ${await response.text()}`);
  }
}
