import type pg from 'pg';

/** A runtime role that would own the schema, or is not what it says. */
export class RuntimeRoleRefusedError extends Error {
  constructor(
    readonly role: string,
    reason: string,
  ) {
    super(`Runtime role ${role} refused: ${reason}`);
    this.name = 'RuntimeRoleRefusedError';
  }
}

/**
 * Gives a service's runtime role what it needs in the database and nothing
 * more, as the owner that ran the migrations: connecting, reading and writing
 * the rows of every table and drawing from the sequences, now and in the
 * tables that later migrations add (default privileges). It owns nothing and
 * may create nothing, so it cannot change the schema; the migrations' own
 * bookkeeping is read-only to it. No other role may connect unless granted
 * so explicitly. Repeating it changes nothing.
 */
export async function grantRuntimeAccess(client: pg.Client, runtimeRole: string): Promise<void> {
  await refuseSchemaOwners(client, runtimeRole);
  const { rows } = await client.query<{ database: string }>('SELECT current_database() AS database');
  const database = client.escapeIdentifier(rows[0]?.database ?? '');
  const role = client.escapeIdentifier(runtimeRole);
  await client.query('BEGIN');
  try {
    for (const statement of [
      `REVOKE ALL ON DATABASE ${database} FROM PUBLIC`,
      `GRANT CONNECT ON DATABASE ${database} TO ${role}`,
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
      `GRANT USAGE ON SCHEMA public TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
      `REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
    ]) {
      await client.query(statement);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The runtime role must exist, be no superuser, and be neither the migrating role nor a member of it. */
async function refuseSchemaOwners(client: pg.Client, runtimeRole: string): Promise<void> {
  const { rows } = await client.query<{ superuser: boolean; member: boolean }>(
    `SELECT rolsuper AS superuser, pg_has_role(oid, (SELECT oid FROM pg_roles WHERE rolname = current_user), 'MEMBER') AS member
       FROM pg_roles WHERE rolname = $1`,
    [runtimeRole],
  );
  const [found] = rows;
  if (!found) {
    throw new RuntimeRoleRefusedError(runtimeRole, 'no such role');
  }
  if (found.superuser) {
    throw new RuntimeRoleRefusedError(runtimeRole, 'it is a superuser');
  }
  if (found.member) {
    throw new RuntimeRoleRefusedError(runtimeRole, 'it is, or is a member of, the role that runs the migrations');
  }
}
