import type pg from 'pg';

/** How long bookkeeping rows are kept. */
export interface RetentionPeriods {
  /** Idempotency keys of POST /orders: a client may repeat a request this long (at least 24 hours). */
  idempotencyKeysMs: number;
  /**
   * What makes redelivery and late messages safe: inbox rows (duplicates),
   * participant steps (a late action after its compensation) and 2PC
   * outcomes. Longer than a message can be delivered again (the topics'
   * retention) plus the longest saga.
   */
  messageRecordsMs: number;
}

/** A table of bookkeeping rows, and the column that says how old a row is. */
interface RetainedTable {
  table: string;
  column: string;
  kept: keyof RetentionPeriods;
}

/** Every table a service may have whose rows only matter for a while; those a service does not have are skipped. */
const RETAINED_TABLES: readonly RetainedTable[] = [
  { table: 'idempotency_keys', column: 'created_at', kept: 'idempotencyKeysMs' },
  { table: 'inbox_messages', column: 'processed_at', kept: 'messageRecordsMs' },
  { table: 'participant_steps', column: 'updated_at', kept: 'messageRecordsMs' },
  { table: 'two_phase_participations', column: 'created_at', kept: 'messageRecordsMs' },
];

/** Rows deleted per statement: small enough that no statement holds many locks or runs long. */
const BATCH_SIZE = 5_000;

/**
 * Deletes the rows past their retention from every retained table the
 * database has, a batch at a time; returns how many per table.
 */
export async function purgeExpiredRecords(pool: pg.Pool, retention: RetentionPeriods): Promise<Map<string, number>> {
  const purged = new Map<string, number>();
  for (const { table, column, kept } of RETAINED_TABLES) {
    const { rows } = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
    if (!rows[0]?.present) {
      continue;
    }
    let total = 0;
    for (;;) {
      // Table and column names come from the list above, never from input.
      const { rowCount } = await pool.query(
        `DELETE FROM ${table} WHERE ctid IN (
           SELECT ctid FROM ${table} WHERE ${column} < now() - make_interval(secs => $1::double precision / 1000)
           LIMIT ${BATCH_SIZE})`,
        [retention[kept]],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < BATCH_SIZE) {
        break;
      }
    }
    purged.set(table, total);
  }
  return purged;
}
