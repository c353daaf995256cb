import { localIssuer } from '@dtx/auth';
import type { CrashPoint, TransactionView } from '@dtx/contracts';
import { ShopApiError, type RawAnswer } from '@dtx/shop-client';
import type { RunningSystem } from '@dtx/testing';
import pg from 'pg';
import { eventually, shopClientOf } from './shop-client.js';

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
    const databases = (['order', 'inventory', 'payment'] as const).map((service) =>
      databaseName(system.databaseUrl(service)),
    );
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

/** Waits until the coordinator reports the transaction finished (every participant acknowledged); not yet known counts as unfinished. */
export async function finishedTransaction(
  system: RunningSystem,
  id: string,
  timeoutMs = 30_000,
): Promise<TransactionView> {
  const shop = shopClientOf(system);
  const view = await eventually(
    () =>
      shop.getTransaction(id).catch((error: unknown) => {
        if (error instanceof ShopApiError && error.status === 404) {
          return undefined;
        }
        throw error;
      }),
    (found) => found?.state === 'COMMITTED' || found?.state === 'ABORTED',
    timeoutMs,
  );
  return view as TransactionView;
}

/** Arms a coordinator crash point (PUT /admin/crash-point). */
export function armCrashPoint(
  system: RunningSystem,
  point: CrashPoint,
  action: { action: 'kill' } | { action: 'pause'; pauseMs: number } = { action: 'kill' },
): Promise<void> {
  return shopClientOf(system).armCrashPoint({ point, ...action });
}

/** A token of the coordinator's own service identity: the only caller the participants' /2pc routes accept. */
export async function coordinatorToken(): Promise<string> {
  return (await localIssuer()).issue({ subject: 'service:coordinator', clientId: 'coordinator' });
}

/** POST to a participant's 2PC route as the coordinator does: with its token, and `json` as the body if given. */
export async function asCoordinator(
  system: RunningSystem,
  participant: 'order' | 'inventory' | 'payment',
  path: string,
  json?: unknown,
): Promise<RawAnswer> {
  return shopClientOf(system).request(participant, 'POST', path, {
    json,
    headers: { authorization: `Bearer ${await coordinatorToken()}` },
  });
}
