import { ACTION_REFUSED } from '@dtx/contracts';
import type { OutgoingMessage, SqlTransaction } from '@dtx/outbox';

/** What a participant's action or compensation decided, and the events it causes (choreography). */
export interface StepResult {
  outcome: string;
  reason?: string;
  events: OutgoingMessage[];
}

/** The order and the thing the step acts on (stock, payment, order), which together identify a saga step. */
export interface StepKey {
  orderId: string;
  resource: string;
}

interface ParticipantStepRow {
  state: 'ACTION_DONE' | 'COMPENSATED';
  action_outcome: string | null;
  action_reason: string | null;
  compensation_outcome: string | null;
}

async function lockStep(tx: SqlTransaction, key: StepKey): Promise<ParticipantStepRow | undefined> {
  const rows = await tx.$queryRawUnsafe<ParticipantStepRow[]>(
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
 */
export async function guardAction(tx: SqlTransaction, key: StepKey, action: () => Promise<StepResult>): Promise<StepResult> {
  const step = await lockStep(tx, key);
  if (step?.state === 'COMPENSATED') {
    return { outcome: ACTION_REFUSED, reason: 'the step was compensated before its action arrived', events: [] };
  }
  if (step) {
    return { outcome: step.action_outcome ?? '', ...(step.action_reason ? { reason: step.action_reason } : {}), events: [] };
  }
  const result = await action();
  await tx.$executeRawUnsafe(
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
 */
export async function guardCompensation(
  tx: SqlTransaction,
  key: StepKey,
  nullOutcome: string,
  compensation: () => Promise<StepResult>,
): Promise<StepResult> {
  const step = await lockStep(tx, key);
  if (step?.state === 'COMPENSATED') {
    return { outcome: step.compensation_outcome ?? nullOutcome, events: [] };
  }
  const result = step ? await compensation() : { outcome: nullOutcome, events: [] };
  await tx.$executeRawUnsafe(
    `INSERT INTO participant_steps (order_id, resource, state, compensation_outcome)
     VALUES ($1::uuid, $2, 'COMPENSATED', $3)
     ON CONFLICT (order_id, resource) DO UPDATE SET state = 'COMPENSATED', compensation_outcome = $3, updated_at = now()`,
    key.orderId,
    key.resource,
    result.outcome,
  );
  return result;
}
