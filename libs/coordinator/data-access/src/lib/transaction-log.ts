import {
  twoPhaseParticipants,
  type BeginTransaction,
  type TransactionState,
  type TransactionView,
  type TwoPhaseOutcome,
  type TwoPhaseParticipantName,
  type TwoPhaseVote,
  type TwoPhaseWork,
} from '@dtx/contracts';
import { PgExecutor, transactionRunner, type SqlExecutor, type TransactionRunner } from '@dtx/sql';
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

/**
 * The coordinator's durable log: each transaction, its participants' votes,
 * the decision, and which participants acknowledged it. Every write here is
 * committed before the step that depends on it is taken.
 */
export class TransactionLog {
  private readonly database: SqlExecutor;
  private readonly transaction: TransactionRunner;

  constructor(pool: pg.Pool) {
    this.database = new PgExecutor(pool);
    this.transaction = transactionRunner(pool);
  }

  /** Logs a new transaction (PREPARING) with its participants; false if it was logged before. */
  async begin(request: BeginTransaction, traceparent: string | undefined): Promise<boolean> {
    return this.transaction(async (tx) => {
      const inserted = await tx.execute(
        `INSERT INTO transactions (id, order_id, state, customer_id, total, items, traceparent)
         VALUES ($1::uuid, $2::uuid, 'PREPARING', $3, $4, $5::jsonb, $6) ON CONFLICT (id) DO NOTHING`,
        request.transactionId,
        request.orderId,
        request.customerId,
        request.total,
        JSON.stringify(request.items),
        traceparent ?? null,
      );
      if (inserted === 0) {
        return false;
      }
      await tx.execute(
        `INSERT INTO transaction_participants (transaction_id, name) SELECT $1::uuid, unnest($2::text[])`,
        request.transactionId,
        [...twoPhaseParticipants],
      );
      return true;
    });
  }

  async recordVote(transactionId: string, participant: TwoPhaseParticipantName, vote: TwoPhaseVote): Promise<void> {
    await this.database.execute(
      `UPDATE transaction_participants SET vote = $3, vote_reason = $4, updated_at = now()
        WHERE transaction_id = $1::uuid AND name = $2`,
      transactionId,
      participant,
      vote.vote,
      vote.vote === 'NO' ? vote.reason : null,
    );
  }

  /**
   * The point of no return: writes the decision if none was written yet.
   * Returns the decision that stands, which is another one only if a
   * recovery decided first.
   */
  async decide(transactionId: string, outcome: TwoPhaseOutcome, reason?: string): Promise<TwoPhaseOutcome> {
    const rows = await this.database.query<{ state: TransactionState }>(
      `WITH decided AS (
         UPDATE transactions SET state = $2, reason = $3, decided_at = now(), updated_at = now()
          WHERE id = $1::uuid AND state = 'PREPARING'
         RETURNING state)
       SELECT state FROM decided
       UNION ALL
       SELECT state FROM transactions WHERE id = $1::uuid AND NOT EXISTS (SELECT 1 FROM decided)`,
      transactionId,
      outcome === 'COMMITTED' ? 'COMMITTING' : 'ABORTING',
      reason ?? null,
    );
    const state = rows[0]?.state;
    return state === 'COMMITTING' || state === 'COMMITTED' ? 'COMMITTED' : 'ABORTED';
  }

  /** A participant acknowledged the decision; when the last one does, the transaction is finished. */
  async recordAcknowledgement(
    transactionId: string,
    participant: TwoPhaseParticipantName,
    outcome: TwoPhaseOutcome,
  ): Promise<void> {
    await this.transaction(async (tx) => {
      // Acknowledgements arrive together; taking the transaction's row lock first makes the last
      // one see all the others, so exactly one of them finds nothing missing and finishes it.
      await tx.query('SELECT 1 FROM transactions WHERE id = $1::uuid FOR UPDATE', transactionId);
      await tx.execute(
        `UPDATE transaction_participants SET outcome = $3, attempts = attempts + 1, last_error = NULL, updated_at = now()
          WHERE transaction_id = $1::uuid AND name = $2`,
        transactionId,
        participant,
        outcome,
      );
      await finishIfAcknowledged(tx, transactionId);
    });
  }

  /** Marks a decided transaction finished if no participant's acknowledgement is missing. */
  async finishIfAcknowledged(transactionId: string): Promise<void> {
    await finishIfAcknowledged(this.database, transactionId);
  }

  async recordDeliveryFailure(
    transactionId: string,
    participant: TwoPhaseParticipantName,
    error: string,
  ): Promise<void> {
    await this.database.execute(
      `UPDATE transaction_participants SET attempts = attempts + 1, last_error = $3, updated_at = now()
        WHERE transaction_id = $1::uuid AND name = $2`,
      transactionId,
      participant,
      error.slice(0, 500),
    );
  }

  async find(transactionId: string): Promise<LoggedTransaction | undefined> {
    const rows = await this.database.query<TransactionRow>(
      'SELECT id, order_id, state, reason, customer_id, total, items, traceparent FROM transactions WHERE id = $1::uuid',
      transactionId,
    );
    const row = rows[0];
    if (!row) {
      return undefined;
    }
    const participants = await this.database.query<ParticipantRow>(
      'SELECT name, vote, outcome FROM transaction_participants WHERE transaction_id = $1::uuid',
      transactionId,
    );
    participants.sort(
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

  /** How many transactions are in each unfinished state (the in-doubt metric). */
  async countUnfinished(): Promise<Map<TransactionState, number>> {
    const rows = await this.database.query<{ state: TransactionState; count: bigint }>(
      `SELECT state, count(*) AS count FROM transactions WHERE state IN ('PREPARING', 'COMMITTING', 'ABORTING') GROUP BY state`,
    );
    return new Map(rows.map((row) => [row.state, Number(row.count)]));
  }
}

async function finishIfAcknowledged(db: SqlExecutor, transactionId: string): Promise<void> {
  await db.execute(
    `UPDATE transactions SET state = CASE state WHEN 'COMMITTING' THEN 'COMMITTED' ELSE 'ABORTED' END,
            completed_at = now(), updated_at = now()
      WHERE id = $1::uuid AND state IN ('COMMITTING', 'ABORTING')
        AND NOT EXISTS (SELECT 1 FROM transaction_participants WHERE transaction_id = $1::uuid AND outcome IS NULL)`,
    transactionId,
  );
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
