import type { SqlExecutor } from '@dtx/sql';
import type { Violation } from './audit-report.js';

/** Nothing left behind in a database: no outbox message unpublished, no prepared transaction in doubt. */
export async function checkDatabaseHygiene(database: SqlExecutor): Promise<Violation[]> {
  const [backlog] = await database.query<{ database: string; pending: string; oldest: Date | null }>(
    `SELECT current_database() AS database, count(*) AS pending, min(created_at) AS oldest
       FROM outbox_messages WHERE published_at IS NULL`,
  );
  const prepared = await database.query<{ database: string; gid: string; prepared: Date }>(
    'SELECT database, gid, prepared FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared',
  );
  const violations: Violation[] = prepared.map((row) => ({
    kind: 'prepared-transaction-left',
    subject: 'database',
    id: row.database,
    detail: `prepared transaction ${row.gid} since ${row.prepared.toISOString()}`,
  }));
  if (backlog && Number(backlog.pending) > 0) {
    violations.push({
      kind: 'outbox-backlog',
      subject: 'database',
      id: backlog.database,
      detail: `${backlog.pending} unpublished outbox message(s), oldest from ${backlog.oldest?.toISOString() ?? '?'}`,
    });
  }
  return violations;
}
