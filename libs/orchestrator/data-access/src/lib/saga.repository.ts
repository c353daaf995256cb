import type { SqlTransaction } from '@dtx/sql';
import type { SagaInstance, SagaReplyInput, SagaStatus, StepRecord } from '@dtx/saga';

/** A saga with the trace it runs in (W3C headers), for spans of steps a timer starts. */
export interface TracedSaga<Data> {
  saga: SagaInstance<Data>;
  trace: Record<string, string> | null;
}

interface SagaRow {
  id: string;
  order_id: string;
  type: string;
  state: SagaStatus;
  data: unknown;
  step_index: number;
  attempt: number;
  waiting_for: SagaInstance<unknown>['waitingFor'];
  deadline_at: Date | null;
  needs_attention: boolean;
  history: StepRecord[];
  trace_context: Record<string, string> | null;
}

function toInstance<Data>(row: SagaRow): SagaInstance<Data> {
  return {
    sagaId: row.id,
    orderId: row.order_id,
    type: row.type,
    status: row.state,
    data: row.data as Data,
    stepIndex: row.step_index,
    attempt: row.attempt,
    waitingFor: row.waiting_for,
    deadline: row.deadline_at ? row.deadline_at.getTime() : null,
    needsAttention: row.needs_attention,
    history: row.history,
  };
}

const columns = `id, order_id, type, state, data, step_index, attempt, waiting_for, deadline_at, needs_attention, history, trace_context`;

/** The values of every stored field after id, order_id and type, in the order both writes use ($4 to $12). */
function stateValues(saga: SagaInstance<unknown>, currentStep: string | null): unknown[] {
  return [
    saga.status,
    currentStep,
    JSON.stringify(saga.data),
    saga.stepIndex,
    saga.attempt,
    saga.waitingFor,
    saga.deadline === null ? null : new Date(saga.deadline).toISOString(),
    saga.needsAttention,
    JSON.stringify(saga.history),
  ];
}

/** Inserts a new saga; false when the order already has a saga of this type. */
export async function insertSaga(
  tx: SqlTransaction,
  saga: SagaInstance<unknown>,
  currentStep: string | null,
  trace: Record<string, string> | undefined,
): Promise<boolean> {
  const inserted = await tx.execute(
    `INSERT INTO saga_instances (id, order_id, type, state, current_step, data, step_index, attempt, waiting_for, deadline_at, needs_attention, history, trace_context)
     VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::timestamptz, $11, $12::jsonb, $13::jsonb)
     ON CONFLICT (order_id, type) DO NOTHING`,
    saga.sagaId,
    saga.orderId,
    saga.type,
    ...stateValues(saga, currentStep),
    trace ? JSON.stringify(trace) : null,
  );
  return inserted === 1;
}

/** The saga, locked until the transaction ends, so replies and timers of one saga never interleave. */
export async function lockSaga<Data>(tx: SqlTransaction, sagaId: string): Promise<SagaInstance<Data> | undefined> {
  const rows = await tx.query<SagaRow>(`SELECT ${columns} FROM saga_instances WHERE id = $1::uuid FOR UPDATE`, sagaId);
  return rows[0] && toInstance<Data>(rows[0]);
}

export async function saveSaga(
  tx: SqlTransaction,
  saga: SagaInstance<unknown>,
  currentStep: string | null,
): Promise<void> {
  await tx.execute(
    `UPDATE saga_instances
        SET state = $4, current_step = $5, data = $6::jsonb, step_index = $7, attempt = $8, waiting_for = $9,
            deadline_at = $10::timestamptz, needs_attention = $11, history = $12::jsonb, version = version + 1, updated_at = now()
      WHERE id = $1::uuid AND order_id = $2::uuid AND type = $3`,
    saga.sagaId,
    saga.orderId,
    saga.type,
    ...stateValues(saga, currentStep),
  );
}

/** Sagas whose timer is due, locked; rows another orchestrator instance holds are skipped. */
export async function lockDueSagas<Data>(tx: SqlTransaction, now: number, limit: number): Promise<TracedSaga<Data>[]> {
  const rows = await tx.query<SagaRow>(
    `SELECT ${columns} FROM saga_instances
      WHERE waiting_for <> 'nothing' AND deadline_at <= $1::timestamptz
      ORDER BY deadline_at
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    new Date(now).toISOString(),
    limit,
  );
  return rows.map((row) => ({ saga: toInstance<Data>(row), trace: row.trace_context }));
}

export async function recordIgnoredReply(
  tx: SqlTransaction,
  sagaId: string,
  reply: SagaReplyInput,
  why: string,
): Promise<void> {
  await tx.execute(
    `INSERT INTO saga_ignored_replies (saga_id, step, attempt, command, outcome, why) VALUES ($1::uuid, $2, $3, $4, $5, $6)`,
    sagaId,
    reply.step,
    reply.attempt,
    reply.command,
    reply.outcome,
    why,
  );
}

/** Moves overdue reply deadlines to `now + timeoutMs`; returns how many sagas it touched. */
export async function restartOverdueReplyTimers(tx: SqlTransaction, now: number, timeoutMs: number): Promise<number> {
  return tx.execute(
    `UPDATE saga_instances SET deadline_at = $1::timestamptz
      WHERE waiting_for = 'reply' AND deadline_at < $1::timestamptz`,
    new Date(now + timeoutMs).toISOString(),
  );
}
