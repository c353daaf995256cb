import type { SqlTransaction } from '@dtx/sql';

/** This service's Lamport clock as stored: the Lamport time of the last message it emitted, or more. */
export async function readLamportClock(tx: SqlTransaction): Promise<number> {
  const [row] = await tx.query<{ value: string }>('SELECT value FROM lamport_clock WHERE id = 1');
  if (row === undefined) {
    throw new Error('lamport_clock has no row; were the outbox migrations (libs/shared/outbox/migrations) applied?');
  }
  return Number(row.value);
}

/** Moves this service's Lamport clock to at least `time` (a time it has received); never back. */
export async function advanceLamportClock(tx: SqlTransaction, time: number): Promise<void> {
  await tx.execute('UPDATE lamport_clock SET value = GREATEST(value, $1::bigint) WHERE id = 1', time);
}
