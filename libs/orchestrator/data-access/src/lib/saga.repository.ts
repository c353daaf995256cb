import { executeOrDefer, type SqlTransaction } from '@dtx/sql';
import {
  highestAttempt,
  sagaTimer,
  type SagaInstance,
  type SagaReplyInput,
  type SagaStatus,
  type StepInFlight,
  type StepRecord,
} from '@dtx/saga';

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
  steps_in_flight: StepInFlight[];
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
    inFlight: row.steps_in_flight,
    needsAttention: row.needs_attention,
    history: row.history,
  };
}

const columns = `id, order_id, type, state, data, step_index, steps_in_flight, needs_attention, history, trace_context`;

/**
 * The values of every stored field after id, order_id and type, in the order both writes use ($4 to $13).
 * Each step in flight has its own timer; attempt, waiting_for and deadline_at hold the earliest one's,
 * so that the deadline poller finds due sagas by index.
 */
function stateValues(saga: SagaInstance<unknown>, currentStep: string | null): unknown[] {
  const timer = sagaTimer(saga);
  return [
    saga.status,
    currentStep,
    JSON.stringify(saga.data),
    saga.stepIndex,
    highestAttempt(saga),
    timer.waitingFor,
    timer.deadline === null ? null : new Date(timer.deadline).toISOString(),
    saga.needsAttention,
    JSON.stringify(saga.history),
    JSON.stringify(saga.inFlight),
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
    `INSERT INTO saga_instances (id, order_id, type, state, current_step, data, step_index, attempt, waiting_for, deadline_at, needs_attention, history, steps_in_flight, trace_context)
     VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::timestamptz, $11, $12::jsonb, $13::jsonb, $14::jsonb)
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
  // No answer is needed: it travels with the transaction's next statement where it can.
  await executeOrDefer(
    tx,
    `UPDATE saga_instances
        SET state = $4, current_step = $5, data = $6::jsonb, step_index = $7, attempt = $8, waiting_for = $9,
            deadline_at = $10::timestamptz, needs_attention = $11, history = $12::jsonb, steps_in_flight = $13::jsonb,
            version = version + 1, updated_at = now()
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

/**
 * Sagas with a step whose reply is overdue at `now`, locked, oldest deadline first. Rows a reply
 * or a timer holds are waited for, not skipped: every overdue reply must get its fresh timeout.
 */
export async function lockSagasWithOverdueReplies<Data>(
  tx: SqlTransaction,
  now: number,
  limit: number,
): Promise<SagaInstance<Data>[]> {
  const rows = await tx.query<SagaRow>(
    `SELECT ${columns} FROM saga_instances
      WHERE waiting_for <> 'nothing' AND deadline_at < $1::timestamptz
        AND jsonb_path_exists(steps_in_flight, '$[*] ? (@.waitingFor == "reply" && @.deadline < $now)',
                              jsonb_build_object('now', $2::bigint))
      ORDER BY deadline_at, id
      LIMIT $3
      FOR UPDATE`,
    new Date(now).toISOString(),
    now,
    limit,
  );
  return rows.map((row) => toInstance<Data>(row));
}
