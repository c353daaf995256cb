import {
  decisionOf,
  twoPhaseParticipants,
  type BeginTransaction,
  type TransactionState,
  type TransactionView,
  type TwoPhaseOutcome,
  type TwoPhaseParticipantName,
  type TwoPhaseVote,
  type TwoPhaseWork,
  type UnfinishedTransaction,
} from '@dtx/contracts';
import { PgExecutor, type SqlExecutor } from '@dtx/sql';
import type pg from 'pg';

interface TransactionRow {
  id: string;
  order_id: string;
  state: TransactionState;
  reason: string | null;
  customer_id: string;
  total: bigint | number;
  items: TwoPhaseWork['items'];
  traceparent: string | null;
  participants: ParticipantRow[];
}

interface ParticipantRow {
  name: TwoPhaseParticipantName;
  vote: 'YES' | 'NO' | null;
  outcome: TwoPhaseOutcome | null;
}

/** A transaction as the coordinator works on it. */
export interface LoggedTransaction {
  id: string;
  state: TransactionState;
  reason?: string;
  work: TwoPhaseWork;
  traceparent?: string;
  participants: ParticipantRow[];
}

/** The decision that stands in the log, and the reason of an abort. */
export interface LoggedDecision {
  outcome: TwoPhaseOutcome;
  reason?: string;
}

/** One participant's vote, as phase 1 collected it. */
export interface CollectedVote {
  participant: TwoPhaseParticipantName;
  vote: TwoPhaseVote;
}

/** What one phase-2 attempt came to for a participant: its acknowledgement, or why there was none. */
export type DeliveryReport =
  | { participant: TwoPhaseParticipantName; acknowledged: TwoPhaseOutcome }
  | { participant: TwoPhaseParticipantName; error: string };

/**
 * The coordinator's durable log: each transaction, its participants' votes,
 * the decision, and which participants acknowledged it. Every write here is
 * committed before the step that depends on it is taken, and each step of a
 * transaction is one statement: begin, decide (with the votes), and the
 * outcome of a round of phase 2.
 */
export class TransactionLog {
  private readonly database: SqlExecutor;

  constructor(pool: pg.Pool) {
    this.database = new PgExecutor(pool);
  }

  /** Logs a new transaction (PREPARING) with its participants; false if it was logged before. */
  async begin(request: BeginTransaction, traceparent: string | undefined): Promise<boolean> {
    const participantsLogged = await this.database.execute(
      `WITH logged AS (
         INSERT INTO transactions (id, order_id, state, customer_id, total, items, traceparent)
         VALUES ($1::uuid, $2::uuid, 'PREPARING', $3, $4, $5::jsonb, $6) ON CONFLICT (id) DO NOTHING
         RETURNING id)
       INSERT INTO transaction_participants (transaction_id, name) SELECT logged.id, unnest($7::text[]) FROM logged`,
      request.transactionId,
      request.orderId,
      request.customerId,
      request.total,
      JSON.stringify(request.items),
      traceparent ?? null,
      [...twoPhaseParticipants],
    );
    return participantsLogged > 0;
  }

  /**
   * The point of no return: writes the votes and the decision, if none was
   * written yet. Returns the decision that stands, which is another one only
   * if a recovery decided first.
   */
  async decide(
    transactionId: string,
    outcome: TwoPhaseOutcome,
    reason: string | undefined,
    votes: readonly CollectedVote[] = [],
  ): Promise<LoggedDecision> {
    const rows = await this.database.query<{ state: TransactionState; reason: string | null }>(
      `WITH votes AS (
         UPDATE transaction_participants p SET vote = v.vote, vote_reason = v.reason, updated_at = now()
           FROM unnest($4::text[], $5::text[], $6::text[]) AS v(name, vote, reason)
          WHERE p.transaction_id = $1::uuid AND p.name = v.name),
       decided AS (
         UPDATE transactions SET state = $2, reason = $3, decided_at = now(), updated_at = now()
          WHERE id = $1::uuid AND state = 'PREPARING'
         RETURNING state, reason)
       SELECT state, reason FROM decided
       UNION ALL
       SELECT state, reason FROM transactions WHERE id = $1::uuid AND NOT EXISTS (SELECT 1 FROM decided)`,
      transactionId,
      outcome === 'COMMITTED' ? 'COMMITTING' : 'ABORTING',
      reason ?? null,
      votes.map((entry) => entry.participant),
      votes.map((entry) => entry.vote.vote),
      votes.map((entry) => (entry.vote.vote === 'NO' ? entry.vote.reason : null)),
    );
    const row = rows[0];
    return {
      outcome: row && decisionOf(row.state) === 'COMMITTED' ? 'COMMITTED' : 'ABORTED',
      ...(row?.reason ? { reason: row.reason } : {}),
    };
  }

  /**
   * Records a round of phase 2: who acknowledged, and why the others did not.
   * When no acknowledgement is missing any more, the transaction is finished
   * in the same statement; returns whether it is.
   *
   * Two rounds for one transaction never run at once in this process. Were
   * they to (two coordinators), each could miss the other's acknowledgements
   * and leave the transaction unfinished with none missing: recovery's next
   * round, with nothing left to send, then finishes it.
   */
  async recordPhaseTwo(transactionId: string, reports: readonly DeliveryReport[]): Promise<boolean> {
    const finished = await this.database.execute(
      `WITH reported AS (
         UPDATE transaction_participants p
            SET outcome = COALESCE(r.outcome, p.outcome), attempts = p.attempts + 1, last_error = r.error,
                updated_at = now()
           FROM unnest($2::text[], $3::text[], $4::text[]) AS r(name, outcome, error)
          WHERE p.transaction_id = $1::uuid AND p.name = r.name
         RETURNING p.name, r.outcome)
       UPDATE transactions SET state = CASE state WHEN 'COMMITTING' THEN 'COMMITTED' ELSE 'ABORTED' END,
              completed_at = now(), updated_at = now()
        WHERE id = $1::uuid AND state IN ('COMMITTING', 'ABORTING')
          AND NOT EXISTS (
            SELECT 1 FROM transaction_participants p
             WHERE p.transaction_id = $1::uuid AND p.outcome IS NULL
               AND p.name NOT IN (SELECT name FROM reported WHERE outcome IS NOT NULL))`,
      transactionId,
      reports.map((report) => report.participant),
      reports.map((report) => ('acknowledged' in report ? report.acknowledged : null)),
      reports.map((report) => ('error' in report ? report.error.slice(0, 500) : null)),
    );
    return finished > 0;
  }

  async find(transactionId: string): Promise<LoggedTransaction | undefined> {
    const rows = await this.database.query<TransactionRow>(
      `SELECT t.id, t.order_id, t.state, t.reason, t.customer_id, t.total, t.items, t.traceparent,
              (SELECT coalesce(json_agg(json_build_object('name', p.name, 'vote', p.vote, 'outcome', p.outcome)), '[]')
                 FROM transaction_participants p WHERE p.transaction_id = t.id) AS participants
         FROM transactions t WHERE t.id = $1::uuid`,
      transactionId,
    );
    const row = rows[0];
    if (!row) {
      return undefined;
    }
    const participants = row.participants.sort(
      (left, right) => twoPhaseParticipants.indexOf(left.name) - twoPhaseParticipants.indexOf(right.name),
    );
    return {
      id: row.id,
      state: row.state,
      ...(row.reason ? { reason: row.reason } : {}),
      work: { orderId: row.order_id, customerId: row.customer_id, items: row.items, total: Number(row.total) },
      ...(row.traceparent ? { traceparent: row.traceparent } : {}),
      participants,
    };
  }

  /** Transactions not finished yet, oldest first: undecided ones and decisions not yet acknowledged by all. */
  async unfinished(limit: number): Promise<{ id: string; state: TransactionState }[]> {
    return this.database.query<{ id: string; state: TransactionState }>(
      `SELECT id, state FROM transactions WHERE state IN ('PREPARING', 'COMMITTING', 'ABORTING') ORDER BY created_at LIMIT $1`,
      limit,
    );
  }

  /**
   * Transactions not finished yet, oldest first, as an operator sees them:
   * each participant's vote and acknowledgement, how often phase 2 was sent to
   * it and why it last failed, and the transaction's age.
   */
  async listUnfinished(limit: number): Promise<UnfinishedTransaction[]> {
    const rows = await this.database.query<{
      id: string;
      order_id: string;
      state: UnfinishedTransaction['state'];
      reason: string | null;
      created_at: Date;
      updated_at: Date;
      decided_at: Date | null;
      age_ms: string;
      participants: UnfinishedTransaction['participants'];
    }>(
      `SELECT t.id, t.order_id, t.state, t.reason, t.created_at, t.updated_at, t.decided_at,
              floor(extract(epoch FROM clock_timestamp() - t.created_at) * 1000)::bigint AS age_ms,
              (SELECT coalesce(json_agg(json_build_object(
                        'name', p.name, 'vote', p.vote, 'voteReason', p.vote_reason, 'outcome', p.outcome,
                        'attempts', p.attempts, 'lastError', p.last_error)), '[]')
                 FROM transaction_participants p WHERE p.transaction_id = t.id) AS participants
         FROM transactions t
        WHERE t.state IN ('PREPARING', 'COMMITTING', 'ABORTING')
        ORDER BY t.created_at, t.id
        LIMIT $1`,
      limit,
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      state: row.state,
      ...(row.reason ? { reason: row.reason } : {}),
      participants: row.participants.sort(
        (left, right) => twoPhaseParticipants.indexOf(left.name) - twoPhaseParticipants.indexOf(right.name),
      ),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      decidedAt: row.decided_at?.toISOString() ?? null,
      ageMs: Number(row.age_ms),
    }));
  }

  /** How many transactions are in each unfinished state (the in-doubt metric). */
  async countUnfinished(): Promise<Map<TransactionState, number>> {
    const rows = await this.database.query<{ state: TransactionState; count: bigint }>(
      `SELECT state, count(*) AS count FROM transactions WHERE state IN ('PREPARING', 'COMMITTING', 'ABORTING') GROUP BY state`,
    );
    return new Map(rows.map((row) => [row.state, Number(row.count)]));
  }
}

/** The public view of a logged transaction (GET /transactions/:id). */
export function transactionView(transaction: LoggedTransaction): TransactionView {
  return {
    id: transaction.id,
    orderId: transaction.work.orderId,
    state: transaction.state,
    ...(transaction.reason ? { reason: transaction.reason } : {}),
    participants: transaction.participants.map(({ name, vote, outcome }) => ({ name, vote, outcome })),
  };
}
