import type { SqlTransaction } from '@dtx/sql';

/** This service's Lamport clock as stored: the Lamport time of the last message it emitted. */
export async function readLamportClock(tx: SqlTransaction): Promise<number> {
  const [row] = await tx.query<{ value: string }>('SELECT value FROM lamport_clock WHERE id = 1');
  if (row === undefined) {
    throw new Error('lamport_clock has no row; were the outbox migrations (libs/shared/outbox/migrations) applied?');
  }
  return Number(row.value);
}
