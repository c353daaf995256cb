import { ACTION_REFUSED } from '@dtx/contracts';
import type { OutgoingMessage } from '@dtx/outbox';
import { executeOrDefer, type SqlTransaction } from '@dtx/sql';
import { withSpan, type Span } from '@dtx/telemetry';

/** What a participant's action or compensation decided, and the events it causes (choreography). */
export interface StepResult<Outcome extends string = string> {
  outcome: Outcome;
  reason?: string;
  events: OutgoingMessage[];
}

/** The order and the thing the step acts on (stock, payment, order), which together identify a saga step. */
export interface StepKey {
  orderId: string;
  resource: string;
}

/** How the step shows in traces: `step reserve-stock`, `compensate release-stock`. */
export interface StepTrace {
  name: string;
  mode: 'choreography' | 'orchestration';
}

function traced<Result extends StepResult>(
  kind: 'step' | 'compensate',
  key: StepKey,
  step: StepTrace,
  work: (span: Span) => Promise<Result>,
): Promise<Result> {
  const attributes = {
    'order.id': key.orderId,
    'saga.mode': step.mode,
    'saga.step': step.name,
    'saga.compensation': kind === 'compensate',
    'participant.resource': key.resource,
  };
  return withSpan(`${kind} ${step.name}`, { attributes }, async (span) => {
    const result = await work(span);
    span.setAttribute('saga.outcome', result.outcome);
    if (result.reason) {
      span.setAttribute('order.cancel_reason', result.reason);
    }
    return result;
  });
}

interface ParticipantStepRow {
  state: 'ACTION_DONE' | 'COMPENSATED';
  action_outcome: string | null;
  action_reason: string | null;
  compensation_outcome: string | null;
}

async function lockStep(tx: SqlTransaction, key: StepKey): Promise<ParticipantStepRow | undefined> {
  const rows = await tx.query<ParticipantStepRow>(
    `SELECT state, action_outcome, action_reason, compensation_outcome
       FROM participant_steps WHERE order_id = $1::uuid AND resource = $2 FOR UPDATE`,
    key.orderId,
    key.resource,
  );
  return rows[0];
}

/**
 * Runs a participant's action once per saga step, whatever the number of
 * commands or events asking for it:
 * - a duplicate (a retried command, a redelivered event) does nothing and
 *   gets the first outcome again;
 * - an action arriving after its compensation (hanging) is refused.
 *
 * With `assumeNew` (a batch's first try) it does not look for the step
 * first: it runs the action and records the step, and if the step was done
 * or compensated already, the record fails on the step's primary key, the
 * transaction rolls back, and the careful try tells which.
 */
export function guardAction<Outcome extends string>(
  tx: SqlTransaction,
  key: StepKey,
  trace: StepTrace,
  action: () => Promise<StepResult<Outcome>>,
  assumeNew = false,
): Promise<StepResult<Outcome | typeof ACTION_REFUSED>> {
  return traced('step', key, trace, async (span): Promise<StepResult<Outcome | typeof ACTION_REFUSED>> => {
    if (assumeNew) {
      return recordAction(tx, key, await action());
    }
    const step = await lockStep(tx, key);
    if (step?.state === 'COMPENSATED') {
      span.setAttribute('saga.hanging_action_refused', true);
      return { outcome: ACTION_REFUSED, reason: 'the step was compensated before its action arrived', events: [] };
    }
    if (step) {
      span.setAttribute('saga.duplicate', true);
      // Recorded by this step's own action, so one of its outcomes.
      const outcome = (step.action_outcome ?? '') as Outcome;
      return { outcome, ...(step.action_reason ? { reason: step.action_reason } : {}), events: [] };
    }
    return recordAction(tx, key, await action());
  });
}

/** The step's record (no `ON CONFLICT`: a step recorded already fails it): deferred to the transaction's next statement where it can be (no answer is needed). */
async function recordAction<Result extends StepResult>(tx: SqlTransaction, key: StepKey, result: Result) {
  await executeOrDefer(
    tx,
    `INSERT INTO participant_steps (order_id, resource, state, action_outcome, action_reason)
     VALUES ($1::uuid, $2, 'ACTION_DONE', $3, $4)`,
    key.orderId,
    key.resource,
    result.outcome,
    result.reason ?? null,
  );
  return result;
}

/**
 * Runs a participant's compensation once per saga step:
 * - after the action: undoes it;
 * - before the action (null compensation): succeeds with `nullOutcome` and
 *   records that the action must not run later;
 * - again (duplicate): does nothing and gets the first outcome again.
 *
 * An action that commits while a null compensation runs (its row was not
 * there to lock, then appears) is undone, not overwritten: the null
 * compensation's record yields to the action's row, which is then locked
 * and compensated like any other.
 */
export function guardCompensation<Outcome extends string>(
  tx: SqlTransaction,
  key: StepKey,
  trace: StepTrace,
  nullOutcome: Outcome,
  compensation: () => Promise<StepResult<Outcome>>,
): Promise<StepResult<Outcome>> {
  return traced('compensate', key, trace, async (span): Promise<StepResult<Outcome>> => {
    let step = await lockStep(tx, key);
    if (!step) {
      if (await recordNullCompensation(tx, key, nullOutcome)) {
        span.setAttribute('saga.null_compensation', true);
        return { outcome: nullOutcome, events: [] };
      }
      // The row that stopped the record is committed (the insert waited for it), so this sees it.
      step = await lockStep(tx, key);
      if (!step) {
        throw new Error(`participant step ${key.resource} of order ${key.orderId} neither recorded nor found`);
      }
    }
    if (step.state === 'COMPENSATED') {
      span.setAttribute('saga.duplicate', true);
      // Recorded by this step's own compensation, so one of its outcomes.
      return { outcome: (step.compensation_outcome ?? nullOutcome) as Outcome, events: [] };
    }
    span.setAttribute('saga.null_compensation', false);
    return recordCompensation(tx, key, await compensation());
  });
}

/** Records a compensation that came first, unless a row for the step appeared since the lookup; says whether it did. */
async function recordNullCompensation(tx: SqlTransaction, key: StepKey, outcome: string): Promise<boolean> {
  const recorded = await tx.query(
    `INSERT INTO participant_steps (order_id, resource, state, compensation_outcome)
     VALUES ($1::uuid, $2, 'COMPENSATED', $3)
     ON CONFLICT (order_id, resource) DO NOTHING
     RETURNING order_id`,
    key.orderId,
    key.resource,
    outcome,
  );
  return recorded.length === 1;
}

/** The compensation of a step whose row this transaction holds locked: deferred to the transaction's next statement where it can be. */
async function recordCompensation<Result extends StepResult>(tx: SqlTransaction, key: StepKey, result: Result) {
  await executeOrDefer(
    tx,
    `UPDATE participant_steps SET state = 'COMPENSATED', compensation_outcome = $3, updated_at = now()
      WHERE order_id = $1::uuid AND resource = $2`,
    key.orderId,
    key.resource,
    result.outcome,
  );
  return result;
}
