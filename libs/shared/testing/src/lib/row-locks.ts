import type pg from 'pg';

/**
 * Which of the rows (`table`.`column` = key) another transaction holds a
 * lock on: each is tried from a connection of its own with `FOR UPDATE
 * NOWAIT`, which fails at once (55P03) on a row locked elsewhere.
 */
export async function rowsLockedElsewhere(
  pool: pg.Pool,
  table: string,
  column: string,
  keys: readonly string[],
): Promise<string[]> {
  const locked: string[] = [];
  for (const key of keys) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const taken = await client
        .query(`SELECT 1 FROM ${table} WHERE ${column} = $1 FOR UPDATE NOWAIT`, [key])
        .then(() => false)
        .catch((error: { code?: string }) => error.code === '55P03');
      await client.query('ROLLBACK');
      if (taken) {
        locked.push(key);
      }
    } finally {
      client.release();
    }
  }
  return locked;
}
