/**
 * SQLSTATEs that say the database could not do the work now, not that the
 * work is wrong: the connection failed (class 08), the server is shutting
 * down or starting (57P01, 57P02, 57P03), or too many clients (53300).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a connection to the database. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** What node-postgres says when the server ends a connection or the pool cannot open one in time. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * Whether `error` (or anything in its `cause` chain) means the database was
 * unreachable or restarting: work that failed that way succeeds once the
 * database is back, so it is retried for as long as that takes, never given
 * up on as if the work itself were at fault.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_ERRORS.has(code))
    ) {
      return true;
    }
    if (LOST_CONNECTION.test(current.message)) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

/** SQLSTATEs of a transaction that lost a race with another (deadlock, serialization failure): run again, it succeeds. */
const CONFLICT_STATES = new Set(['40P01', '40001']);

/** Whether `error` (or its cause) means the transaction was chosen to lose a deadlock or a serialization conflict. */
export function isTransactionConflict(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONFLICT_STATES.has(code)) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
