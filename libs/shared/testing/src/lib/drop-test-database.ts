import pg from 'pg';
import { databaseUrl } from './database-url.js';

/**
 * Drops a test database once the connections being closed are gone (a pool's
 * `end()` resolves before its sockets have closed, and a connection the server
 * ends under a client that is still closing fails that client with 57P01);
 * whatever is still open after two seconds is ended by force. Then its roles.
 */
export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let waited = 0; waited < 2_000; waited += 50) {
      const { rows } = await client.query<{ open: number }>(
        'SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if ((rows[0]?.open ?? 0) === 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await rollBackPreparedTransactions(adminUrl, name);
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    for (const role of [`${name}_owner`, `${name}_runtime`]) {
      await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * A database holding prepared transactions cannot be dropped, and each keeps
 * one of the cluster's max_prepared_transactions: those a run left in doubt
 * (its coordinator stopped mid-protocol) are rolled back first. A prepared
 * transaction can only be ended from a session on its own database.
 */
async function rollBackPreparedTransactions(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(adminUrl, name) });
  try {
    await client.connect();
  } catch {
    return; // no such database (dropped already)
  }
  try {
    const { rows } = await client.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database()',
    );
    for (const { gid } of rows) {
      await client.query(`ROLLBACK PREPARED ${client.escapeLiteral(gid)}`);
    }
  } finally {
    await client.end();
  }
}
