import type { SqlTransaction } from '@dtx/sql';

/**
 * Advances this service's Lamport clock for `count` messages about to be
 * emitted, after receiving a message stamped `received` (0 when the cause is
 * not a message). Returns the first of the `count` consecutive stamps.
 *
 * The clock is one row in the service's own database, updated in the same
 * transaction as the messages, so it never goes backwards across restarts.
 * The row lock serialises emitters; it is taken last in the transaction to be
 * held briefly.
 */
export async function tickLamportClock(tx: SqlTransaction, received: number, count: number): Promise<number> {
  const rows = await tx.query<{ value: bigint | number }>(
    'UPDATE lamport_clock SET value = GREATEST(value, $1::bigint) + $2::int WHERE id = 1 RETURNING value',
    received,
    count,
  );
  const last = rows[0]?.value;
  if (last === undefined) {
    throw new Error('lamport_clock has no row; were the outbox migrations (libs/shared/outbox/migrations) applied?');
  }
  return Number(last) - count + 1;
}
