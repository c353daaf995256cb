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

/** The error and its causes (a driver adapter wraps the error), at most eight deep. */
function* causeChain(error: unknown): Generator<Error & { code?: unknown }> {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    yield current as Error & { code?: unknown };
    current = current.cause;
  }
}

/** Whether `error` or one of its causes carries a string SQLSTATE (or socket code) that `matches`. */
function hasCode(error: unknown, matches: (code: string) => boolean): boolean {
  return [...causeChain(error)].some(({ code }) => typeof code === 'string' && matches(code));
}

/**
 * Whether `error` (or anything in its `cause` chain) means the database was
 * unreachable or restarting: work that failed that way succeeds once the
 * database is back, so it is retried for as long as that takes, never given
 * up on as if the work itself were at fault.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return (
    hasCode(error, (code) => code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_ERRORS.has(code)) ||
    [...causeChain(error)].some(({ message }) => LOST_CONNECTION.test(message))
  );
}

/** SQLSTATEs of a transaction that lost a race with another (deadlock, serialization failure): run again, it succeeds. */
const CONFLICT_STATES = new Set(['40P01', '40001']);

/** Whether `error` (or its cause) means the transaction was chosen to lose a deadlock or a serialization conflict. */
export function isTransactionConflict(error: unknown): boolean {
  return hasCode(error, (code) => CONFLICT_STATES.has(code));
}

/** Whether `error` (or its cause) is a unique key refusing a row (23505): something was there already. */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, (code) => code === '23505');
}
