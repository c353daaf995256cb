import {
  preparedTransactionId,
  type PreparedTransactionLock,
  type PreparedTransactionView,
  type TwoPhaseParticipantName,
  type TwoPhaseVote,
} from '@dtx/contracts';
import { inTransaction, PgExecutor, withPooledClient, type SqlExecutor, type SqlTransaction } from '@dtx/sql';
import type pg from 'pg';

/** PostgreSQL error codes this module tells apart. */
const LOCK_NOT_AVAILABLE = '55P03';
const UNDEFINED_OBJECT = '42704';
const OBJECT_IN_USE = '55006';
const PREPARED_TRANSACTION_BUSY = '55000';

/** How long a prepare's claim of its participation row waits before asking whether an earlier prepare holds it prepared. */
const CLAIM_LOCK_TIMEOUT_MS = 10;

/** The participant cannot act yet (a lock, a busy prepared transaction); the coordinator retries. */
export class TryAgainLater extends Error {}

/** The coordinator asked for something the protocol forbids, such as committing what was never prepared. */
export class ProtocolViolation extends Error {}

export interface PendingPreparedTransaction {
  gid: string;
  transactionId: string;
  preparedAt: Date;
}

/** Local work of one participant: decides the vote, and on YES leaves its writes in `tx` to be prepared. */
export type PrepareWork = (tx: SqlTransaction) => Promise<TwoPhaseVote>;

/** Extra local writes when the decision is abort, such as marking the order cancelled. */
export type AbortWork = (tx: SqlTransaction) => Promise<void>;

const errorCode = (error: unknown) => (error as { code?: string } | undefined)?.code;

/**
 * A participant's side of two-phase commit on PostgreSQL prepared transactions.
 *
 * Every transaction leaves one row in `two_phase_participations`: written
 * inside the prepared transaction with outcome COMMITTED (so it becomes true
 * exactly when COMMIT PREPARED runs), or written by an abort as an ABORTED
 * tombstone. The tombstone is what stops a prepare that arrives after its
 * abort (the coordinator gave up waiting for it) from preparing anyway and
 * holding locks that nobody would ever release.
 */
export class PreparedTransactions {
  /** Where COMMIT PREPARED and ROLLBACK PREPARED run: never behind prepares waiting for the locks they release. */
  private readonly phaseTwoPool: pg.Pool;

  constructor(
    private readonly pool: pg.Pool,
    private readonly participant: TwoPhaseParticipantName,
    private readonly options: { lockTimeoutMs: number; phaseTwoPool?: pg.Pool },
  ) {
    this.phaseTwoPool = options.phaseTwoPool ?? pool;
  }

  gid(transactionId: string): string {
    return preparedTransactionId(this.participant, transactionId);
  }

  /**
   * Phase 1: runs `work` in a local transaction and, if it votes YES, ends
   * that transaction with PREPARE TRANSACTION: its writes and row locks
   * survive this connection, a crash and a restart until COMMIT PREPARED or
   * ROLLBACK PREPARED. A NO vote rolls back at once. A lock that cannot be had
   * within the lock timeout is a NO (LOCK_TIMEOUT), decided here rather than
   * by the coordinator's patience running out.
   */
  async prepare(transactionId: string, work: PrepareWork): Promise<TwoPhaseVote> {
    const gid = this.gid(transactionId);
    return withPooledClient(this.pool, async (client) => {
      try {
        const claim = await this.claim(client, gid);
        if (claim === 'prepared') {
          return { vote: 'YES' };
        }
        if (claim === 'decided') {
          await client.query('ROLLBACK');
          // Decided before: committed (a repeated prepare) or aborted before this prepare got here.
          const outcome = await this.recordedOutcome(new PgExecutor(client), gid);
          return outcome === 'COMMITTED' ? { vote: 'YES' } : { vote: 'NO', reason: 'ABORTED_BEFORE_PREPARE' };
        }
        const vote = await work(new PgExecutor(client));
        await client.query(vote.vote === 'YES' ? `PREPARE TRANSACTION ${quoteGid(gid)}` : 'ROLLBACK');
        return vote;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (errorCode(error) !== LOCK_NOT_AVAILABLE) {
          throw error;
        }
        // The lock may be this transaction's own participation row, held by an earlier prepare of it.
        return (await this.isPrepared(client, gid)) ? { vote: 'YES' } : { vote: 'NO', reason: 'LOCK_TIMEOUT' };
      }
    });
  }

  /** Phase 2, commit. Repeating it after success is harmless; committing what was never prepared is refused. */
  async commit(transactionId: string): Promise<void> {
    const gid = this.gid(transactionId);
    try {
      await this.phaseTwoPool.query(`COMMIT PREPARED ${quoteGid(gid)}`);
    } catch (error) {
      this.rethrowIfBusy(error);
      if (errorCode(error) !== UNDEFINED_OBJECT) {
        throw error;
      }
      const outcome = await this.recordedOutcome(new PgExecutor(this.phaseTwoPool), gid);
      if (outcome !== 'COMMITTED') {
        throw new ProtocolViolation(
          `${gid} cannot be committed: it was ${outcome === 'ABORTED' ? 'aborted' : 'never prepared'}`,
        );
      }
    }
  }

  /**
   * Phase 2, abort (also the answer to a NO vote or a timeout). Rolls back the
   * prepared transaction if there is one, and records the tombstone together
   * with `work`, so repeating the abort changes nothing more.
   */
  async abort(transactionId: string, work?: AbortWork): Promise<void> {
    const gid = this.gid(transactionId);
    try {
      await this.phaseTwoPool.query(`ROLLBACK PREPARED ${quoteGid(gid)}`);
    } catch (error) {
      this.rethrowIfBusy(error);
      if (errorCode(error) !== UNDEFINED_OBJECT) {
        throw error;
      }
    }
    await inTransaction(this.phaseTwoPool, async (tx, client) => {
      // A prepare still running holds the row it inserted; wait briefly, then let the coordinator retry.
      await client.query('SET LOCAL lock_timeout = 1000');
      await tx.execute(
        `INSERT INTO two_phase_participations (gid, transaction_id, outcome) VALUES ($1, $2::uuid, 'ABORTED')
         ON CONFLICT (gid) DO NOTHING`,
        gid,
        transactionId,
      );
      if ((await this.recordedOutcome(tx, gid)) === 'COMMITTED') {
        throw new ProtocolViolation(`${gid} cannot be aborted: it is committed`);
      }
      await work?.(tx);
      return { result: undefined, end: 'COMMIT' };
    }).catch((error: unknown) => {
      if (errorCode(error) === LOCK_NOT_AVAILABLE) {
        throw new TryAgainLater(`${gid} is still being prepared`);
      }
      throw error;
    });
  }

  /** This participant's prepared transactions that wait for a decision (in doubt), oldest first. */
  async pending(): Promise<PendingPreparedTransaction[]> {
    const prefix = this.gid('');
    const { rows } = await this.pool.query<{ gid: string; prepared: Date }>(
      `SELECT gid, prepared FROM pg_prepared_xacts
        WHERE database = current_database() AND left(gid, length($1)) = $1
        ORDER BY prepared`,
      [prefix],
    );
    return rows.map((row) => ({ gid: row.gid, transactionId: row.gid.slice(prefix.length), preparedAt: row.prepared }));
  }

  /**
   * This participant's prepared transactions in doubt, oldest first, each with
   * the locks it holds and how many sessions wait for it. A prepared
   * transaction has no backend (pid is null in pg_locks); its locks are found
   * through its transaction id's own lock, whose virtualtransaction they share.
   */
  async inDoubt(): Promise<PreparedTransactionView[]> {
    const prefix = this.gid('');
    const { rows } = await this.pool.query<{
      gid: string;
      xid: string;
      prepared: Date;
      age_ms: string;
      owner: string;
      locks: PreparedTransactionLock[];
      waiting: string;
    }>(
      `SELECT p.gid, p.transaction::text AS xid, p.prepared, p.owner,
              floor(extract(epoch FROM clock_timestamp() - p.prepared) * 1000)::bigint AS age_ms,
              coalesce((
                SELECT json_agg(json_build_object('lockType', l.locktype, 'relation', l.relation::regclass::text,
                                                  'mode', l.mode, 'granted', l.granted)
                                ORDER BY l.locktype, l.relation::regclass::text NULLS LAST, l.mode)
                  FROM pg_locks x
                  JOIN pg_locks l ON l.virtualtransaction = x.virtualtransaction
                 WHERE x.locktype = 'transactionid' AND x.transactionid = p.transaction AND x.granted
                   AND x.pid IS NULL AND l.pid IS NULL), '[]') AS locks,
              (SELECT count(*) FROM pg_locks w
                WHERE w.locktype = 'transactionid' AND w.transactionid = p.transaction AND NOT w.granted) AS waiting
         FROM pg_prepared_xacts p
        WHERE p.database = current_database() AND left(p.gid, length($1)) = $1
        ORDER BY p.prepared`,
      [prefix],
    );
    return rows.map((row) => {
      const transactionId = row.gid.slice(prefix.length);
      return {
        gid: row.gid,
        transactionId,
        orderId: transactionId,
        xid: row.xid,
        preparedAt: row.prepared.toISOString(),
        ageMs: Number(row.age_ms),
        owner: row.owner,
        locks: row.locks,
        waitingSessions: Number(row.waiting),
      };
    });
  }

  /**
   * Begins the prepare's transaction and claims the participation row:
   * 'claimed' leaves the transaction open for the work, 'decided' means the
   * row was there before (the transaction is open, to be rolled back), and
   * 'prepared' that an earlier prepare of this transaction is prepared (the
   * transaction is rolled back).
   *
   * Only an earlier prepare of the same transaction can hold the row. A
   * prepared one does not let go until the decision, which waits for this
   * vote, while this transaction's other participants hold their locks: so
   * the claim does not wait for it (the coordinator sends a prepare again
   * when the replica it reached died before answering, and that replica may
   * have prepared). One still running is waited for, within the lock
   * timeout, as it may yet roll back (its session ending with its replica).
   */
  private async claim(client: pg.PoolClient, gid: string): Promise<'claimed' | 'decided' | 'prepared'> {
    try {
      return (await this.beginAndClaim(client, gid, CLAIM_LOCK_TIMEOUT_MS)) ? 'claimed' : 'decided';
    } catch (error) {
      if (errorCode(error) !== LOCK_NOT_AVAILABLE) {
        throw error;
      }
      await client.query('ROLLBACK');
      if (await this.isPrepared(client, gid)) {
        return 'prepared';
      }
      return (await this.beginAndClaim(client, gid, this.options.lockTimeoutMs)) ? 'claimed' : 'decided';
    }
  }

  /**
   * BEGIN, the claim within `claimLockTimeoutMs`, and the lock timeout of the
   * work, in one round trip (hence the literals: quoteGid checks the
   * identifier, and the transaction id is its last 36 characters). False when
   * the row was there before.
   */
  private async beginAndClaim(client: pg.PoolClient, gid: string, claimLockTimeoutMs: number): Promise<boolean> {
    const quoted = quoteGid(gid);
    const results = (await client.query(
      `BEGIN;
       SET LOCAL lock_timeout = ${Math.trunc(claimLockTimeoutMs)};
       INSERT INTO two_phase_participations (gid, transaction_id, outcome)
       VALUES (${quoted}, right(${quoted}, 36)::uuid, 'COMMITTED') ON CONFLICT (gid) DO NOTHING;
       SET LOCAL lock_timeout = ${Math.trunc(this.options.lockTimeoutMs)}`,
    )) as unknown as pg.QueryResult[];
    return results[2]?.rowCount === 1;
  }

  private async isPrepared(client: pg.PoolClient, gid: string): Promise<boolean> {
    const { rowCount } = await client.query(
      'SELECT 1 FROM pg_prepared_xacts WHERE gid = $1 AND database = current_database()',
      [gid],
    );
    return (rowCount ?? 0) > 0;
  }

  private async recordedOutcome(db: SqlExecutor, gid: string): Promise<string | undefined> {
    const rows = await db.query<{ outcome: string }>(
      'SELECT outcome FROM two_phase_participations WHERE gid = $1',
      gid,
    );
    return rows[0]?.outcome;
  }

  private rethrowIfBusy(error: unknown): void {
    const code = errorCode(error);
    if (code === PREPARED_TRANSACTION_BUSY || code === OBJECT_IN_USE) {
      throw new TryAgainLater(error instanceof Error ? error.message : String(error));
    }
  }
}

/** Identifiers are built from a participant name and a UUID; anything else is a bug, not input to quote around. */
function quoteGid(gid: string): string {
  if (!/^dtx_[a-z]+_[0-9a-f-]{36}$/.test(gid)) {
    throw new Error(`not a prepared transaction identifier: ${gid}`);
  }
  return `'${gid}'`;
}
