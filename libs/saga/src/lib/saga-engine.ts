import { backoffDelay } from '@dtx/util';
import { policyOf, type CommandInvocation, type SagaDefinition } from './saga-definition.js';
import type {
  SagaCommand,
  QueueState,
  SagaContext,
  SagaInstance,
  SagaReplyInput,
  SagaTransition,
  StepKind,
  StepRecord,
  StepStatus,
} from './saga-instance.js';

/**
 * The saga engine: pure functions from (definition, instance, event) to the
 * next instance and the commands to send. Persistence, messaging and timers
 * live elsewhere, which is why the same definitions run in memory in tests.
 */

/** Starts a saga whose local first steps are done: sends the first participant action. */
export function startSaga<Data>(
  definition: SagaDefinition<Data>,
  start: { sagaId: string; orderId: string; data: Data },
  context: SagaContext,
): SagaTransition<Data> {
  const instance: SagaInstance<Data> = {
    ...start,
    type: definition.name,
    status: 'RUNNING',
    stepIndex: -1,
    attempt: 0,
    waitingFor: 'nothing',
    deadline: null,
    needsAttention: false,
    history: [],
  };
  return forwardFrom(definition, instance, 0, context);
}

/**
 * Applies a participant's reply, or records why it does not apply (fencing).
 * A reply to any attempt of the awaited command is that command's answer: the
 * participants are idempotent, so every attempt gives the same result.
 */
export function applyReply<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  reply: SagaReplyInput,
  context: SagaContext,
): SagaTransition<Data> {
  const ignored = fence(definition, instance, reply);
  if (ignored) {
    return { instance, commands: [], ignored };
  }
  const step = definition.steps[instance.stepIndex];
  if (!step) {
    throw new Error(`saga ${instance.sagaId} points at step ${instance.stepIndex} of ${definition.name}`);
  }
  if (instance.status === 'COMPENSATING') {
    if (reply.outcome === step.compensation?.spec.success) {
      const done = record(instance, step.name, 'compensation', 'SUCCEEDED', context, reply.outcome);
      return compensateFrom(definition, done, instance.stepIndex - 1, context);
    }
    return scheduleRetry(
      definition,
      record(instance, step.name, 'compensation', 'RETRY_SCHEDULED', context, reply.outcome),
      context,
    );
  }
  const action = step.action;
  if (reply.outcome === action?.spec.success) {
    const done = record(instance, step.name, 'action', 'SUCCEEDED', context, reply.outcome);
    return forwardFrom(definition, done, instance.stepIndex + 1, context);
  }
  const onFailure = action?.onFailure[reply.outcome];
  if (!step.retriable && onFailure) {
    const failed = record(instance, step.name, 'action', 'FAILED', context, reply.outcome);
    // The action did nothing, so compensation starts with the step before it.
    return compensateFrom(definition, { ...failed, data: onFailure(failed.data) }, instance.stepIndex - 1, context);
  }
  return scheduleRetry(
    definition,
    record(instance, step.name, 'action', 'RETRY_SCHEDULED', context, reply.outcome),
    context,
  );
}

/**
 * The durable timer fired: a reply is overdue, or a scheduled retry is due.
 *
 * An overdue reply raises "slow or dead?". While the command or its reply is
 * still queued (`queues` is `queued`), the participant is slow: the timer is
 * re-armed and nothing is sent again, since another copy would only wait in
 * the same queue. A compensatable action still gives up after its patience.
 * Once every queue is drained and no reply came, the command is sent again,
 * up to the step's attempts.
 */
export function applyDeadline<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  context: SagaContext,
  queues: QueueState = 'drained',
): SagaTransition<Data> {
  if (instance.deadline === null || instance.deadline > context.now) {
    return { instance, commands: [] };
  }
  if (instance.waitingFor === 'retry') {
    return send(definition, instance, instance.attempt + 1, context);
  }
  if (instance.waitingFor !== 'reply') {
    return { instance, commands: [] };
  }
  const step = definition.steps[instance.stepIndex];
  if (!step) {
    return { instance, commands: [] };
  }
  const kind: StepKind = instance.status === 'COMPENSATING' ? 'compensation' : 'action';
  const policy = policyOf(definition, step);
  const mayGiveUp = kind === 'action' && !step.retriable;
  const outOfPatience = mayGiveUp && context.now - stepStartedAt(instance, step.name, kind) >= policy.patienceMs;
  const outOfAttempts = mayGiveUp && queues === 'drained' && instance.attempt >= policy.maxAttempts;
  if (outOfPatience || outOfAttempts) {
    const timedOut = record(instance, step.name, 'action', 'TIMED_OUT', context);
    // The action may have happened, or may still happen: compensate this step too.
    const marked = { ...timedOut, data: definition.withReason(timedOut.data, 'TIMEOUT') };
    return compensateFrom(definition, marked, instance.stepIndex, context);
  }
  if (queues === 'queued') {
    return { instance: { ...instance, deadline: context.now + policy.timeoutMs }, commands: [], deferred: true };
  }
  return scheduleRetry(definition, record(instance, step.name, kind, 'RETRY_SCHEDULED', context, 'TIMEOUT'), context);
}

/** The command the saga waits for a reply to, if it waits for one (or will send it again). */
export function awaitedCommand<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
): { type: string; participant: string } | undefined {
  if (instance.status !== 'RUNNING' && instance.status !== 'COMPENSATING') {
    return undefined;
  }
  const step = definition.steps[instance.stepIndex];
  const invocation = instance.status === 'COMPENSATING' ? step?.compensation : step?.action;
  return invocation ? { type: invocation.spec.type, participant: invocation.spec.participant } : undefined;
}

function stepStartedAt<Data>(instance: SagaInstance<Data>, name: string, kind: StepKind): number {
  const line = instance.history.find((entry) => entry.name === name && entry.kind === kind);
  return line ? Date.parse(line.startedAt) : Number.NEGATIVE_INFINITY;
}

function fence<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  reply: SagaReplyInput,
): string | undefined {
  const step = definition.steps[instance.stepIndex];
  const expected = instance.status === 'COMPENSATING' ? step?.compensation : step?.action;
  if (instance.status === 'COMPLETED' || instance.status === 'COMPENSATED') {
    return `saga already ${instance.status}`;
  }
  if (!step || reply.step !== step.name || reply.command !== expected?.spec.type) {
    return `reply to ${reply.command} of step ${reply.step}; waiting for ${expected?.spec.type} of step ${step?.name}`;
  }
  // Any attempt's reply answers the awaited command, even one that arrives while a retry is scheduled.
  return undefined;
}

/** Runs the next step with an action from `index` on, or completes the saga. */
function forwardFrom<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  index: number,
  context: SagaContext,
): SagaTransition<Data> {
  let current = instance;
  for (let next = index; next < definition.steps.length; next++) {
    const step = definition.steps[next];
    if (step?.action) {
      return send(definition, { ...current, status: 'RUNNING', stepIndex: next }, 1, context);
    }
    if (step) {
      current = record(current, step.name, 'action', 'SUCCEEDED', context, 'local');
    }
  }
  return { instance: finished(current, 'COMPLETED'), commands: [] };
}

/** Runs the next compensation from `index` down, or ends the saga as compensated. */
function compensateFrom<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  index: number,
  context: SagaContext,
): SagaTransition<Data> {
  for (let next = index; next >= 0; next--) {
    if (definition.steps[next]?.compensation) {
      return send(definition, { ...instance, status: 'COMPENSATING', stepIndex: next }, 1, context);
    }
  }
  return { instance: finished(instance, 'COMPENSATED'), commands: [] };
}

function finished<Data>(instance: SagaInstance<Data>, status: 'COMPLETED' | 'COMPENSATED'): SagaInstance<Data> {
  return { ...instance, status, waitingFor: 'nothing', deadline: null };
}

/** Sends the current step's action or compensation as attempt `attempt`, and arms the reply timer. */
function send<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  attempt: number,
  context: SagaContext,
): SagaTransition<Data> {
  const step = definition.steps[instance.stepIndex];
  const kind: StepKind = instance.status === 'COMPENSATING' ? 'compensation' : 'action';
  const invocation: CommandInvocation<Data> | undefined = kind === 'action' ? step?.action : step?.compensation;
  if (!step || !invocation) {
    throw new Error(`step ${instance.stepIndex} of ${definition.name} has no ${kind}`);
  }
  const command: SagaCommand = {
    type: invocation.spec.type,
    participant: invocation.spec.participant,
    payload: { ...invocation.build(instance.data), sagaId: instance.sagaId, step: step.name, attempt },
  };
  const needsAttention =
    instance.needsAttention ||
    ((kind === 'compensation' || step.retriable) && attempt >= definition.attentionAfterAttempts);
  const waiting = record(
    { ...instance, attempt, needsAttention },
    step.name,
    kind,
    'WAITING',
    context,
    undefined,
    attempt,
  );
  return {
    instance: {
      ...waiting,
      waitingFor: 'reply',
      deadline: context.now + replyTimeout(policyOf(definition, step).timeoutMs, attempt),
    },
    commands: [command],
  };
}

/**
 * Each attempt waits twice as long as the one before (up to 8 times the step
 * timeout): when replies are late because a participant is overloaded, a
 * fixed timeout would resend faster than the backlog drains, and every reply
 * would be fenced off as late.
 */
function replyTimeout(timeoutMs: number, attempt: number): number {
  return timeoutMs * Math.min(2 ** (attempt - 1), 8);
}

function scheduleRetry<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  context: SagaContext,
): SagaTransition<Data> {
  const step = definition.steps[instance.stepIndex];
  const policy = step ? policyOf(definition, step) : definition.defaultPolicy;
  const delay = backoffDelay({ maxAttempts: Infinity, ...policy.backoff }, instance.attempt, context.random);
  return { instance: { ...instance, waitingFor: 'retry', deadline: context.now + delay }, commands: [] };
}

/** Updates the history line of (step, kind), or adds it. */
function record<Data>(
  instance: SagaInstance<Data>,
  name: string,
  kind: StepKind,
  status: StepStatus,
  context: SagaContext,
  outcome?: string,
  attempts?: number,
): SagaInstance<Data> {
  const at = new Date(context.now).toISOString();
  const existing = instance.history.find((line) => line.name === name && line.kind === kind);
  const ended = status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT';
  const line: StepRecord = {
    name,
    kind,
    status,
    attempts: attempts ?? existing?.attempts ?? 1,
    startedAt: existing?.startedAt ?? at,
    endedAt: ended ? at : null,
    ...((outcome ?? existing?.outcome) ? { outcome: outcome ?? existing?.outcome } : {}),
  };
  const history = existing
    ? instance.history.map((entry) => (entry === existing ? line : entry))
    : [...instance.history, line];
  return { ...instance, history };
}
