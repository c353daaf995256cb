import { backoffDelay } from '@dtx/util';
import {
  policyOf,
  stageAt,
  type CommandInvocation,
  type SagaDefinition,
  type StepDefinition,
} from './saga-definition.js';
import { hasSucceeded, recordStep, stepStartedAt } from './saga-history.js';
import type {
  QueueState,
  QueueStates,
  SagaCommand,
  SagaContext,
  SagaInstance,
  SagaReplyInput,
  SagaTransition,
  StepInFlight,
  StepKind,
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
    inFlight: [],
    needsAttention: false,
    history: [],
  };
  return forwardFrom(definition, instance, 0, context);
}

/**
 * Applies a participant's reply, or records why it does not apply (fencing).
 * A reply to any attempt of a command in flight is that command's answer: the
 * participants are idempotent, so every attempt gives the same result. In a
 * parallel group a reply answers its own member only, and the saga goes on
 * once the last member has succeeded.
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
  const step = stepNamed(definition, reply.step);
  const index = definition.steps.indexOf(step);
  if (instance.status === 'COMPENSATING') {
    if (reply.outcome === step.compensation?.spec.success) {
      const done = recordStep(instance, step, 'compensation', 'SUCCEEDED', context, reply.outcome);
      return compensateFrom(definition, done, index - 1, context);
    }
    const retrying = recordStep(instance, step, 'compensation', 'RETRY_SCHEDULED', context, reply.outcome);
    return scheduleRetry(definition, retrying, step, context);
  }
  if (reply.outcome === step.action?.spec.success) {
    const done = withoutTimer(recordStep(instance, step, 'action', 'SUCCEEDED', context, reply.outcome), step.name);
    return done.inFlight.length > 0
      ? { instance: done, commands: [] }
      : forwardFrom(definition, done, instance.stepIndex, context);
  }
  const onFailure = step.action?.onFailure[reply.outcome];
  if (!step.retriable && onFailure) {
    const failed = recordStep(instance, step, 'action', 'FAILED', context, reply.outcome);
    // The action did nothing, so compensation starts with the step before it.
    return compensateFrom(definition, { ...failed, data: onFailure(failed.data) }, index - 1, context);
  }
  const retrying = recordStep(instance, step, 'action', 'RETRY_SCHEDULED', context, reply.outcome);
  return scheduleRetry(definition, retrying, step, context);
}

/**
 * The durable timer fired: for every step in flight whose own timer is due,
 * its reply is overdue or its scheduled retry is due.
 *
 * An overdue reply raises "slow or dead?", step by step. While the command or
 * its reply is still queued (`queues` says `queued` for that step), the
 * participant is slow: the step's timer is re-armed and nothing is sent
 * again, since another copy would only wait in the same queue. A compensatable
 * action still gives up after its patience. Once every queue is drained and no
 * reply came, the command is sent again, up to the step's attempts.
 */
export function applyDeadline<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  context: SagaContext,
  queues: QueueStates = 'drained',
): SagaTransition<Data> {
  let current = instance;
  const commands: SagaCommand[] = [];
  const deferred: string[] = [];
  for (const timer of instance.inFlight.filter((step) => step.deadline <= context.now)) {
    const fired = fireTimer(definition, current, timer, context, queueStateOf(queues, timer.step));
    current = fired.instance;
    commands.push(...fired.commands);
    deferred.push(...(fired.deferred ?? []));
    if (current.status !== instance.status) {
      // A step gave up and the saga compensates: the other timers belonged to the stage it left.
      break;
    }
  }
  return { instance: current, commands, ...(deferred.length > 0 ? { deferred } : {}) };
}

/** The commands whose reply is overdue at `now`: those to ask the queues about before the timer fires. */
export function overdueCommands<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  now: number,
): { step: string; type: string; participant: string }[] {
  return instance.inFlight
    .filter((timer) => timer.waitingFor === 'reply' && timer.deadline <= now)
    .flatMap((timer) => {
      const invocation = invocationOf(stepNamed(definition, timer.step), kindOf(instance));
      return invocation
        ? [{ step: timer.step, type: invocation.spec.type, participant: invocation.spec.participant }]
        : [];
    });
}

/**
 * Gives every overdue reply a fresh timeout from now, as after a restart of
 * the orchestrator: while it was down no reply could be read, so the time
 * that passed says nothing about the participants.
 */
export function restartOverdueReplies<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  context: SagaContext,
): SagaInstance<Data> {
  const inFlight = instance.inFlight.map((timer) =>
    timer.waitingFor === 'reply' && timer.deadline < context.now
      ? { ...timer, deadline: context.now + policyOf(definition, stepNamed(definition, timer.step)).timeoutMs }
      : timer,
  );
  return { ...instance, inFlight };
}

function fireTimer<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  timer: StepInFlight,
  context: SagaContext,
  queues: QueueState,
): SagaTransition<Data> {
  const step = stepNamed(definition, timer.step);
  if (timer.waitingFor === 'retry') {
    return send(definition, instance, step, timer.attempt + 1, context);
  }
  const kind = kindOf(instance);
  const policy = policyOf(definition, step);
  const mayGiveUp = kind === 'action' && !step.retriable;
  const outOfPatience = mayGiveUp && context.now - stepStartedAt(instance, step.name, kind) >= policy.patienceMs;
  const outOfAttempts = mayGiveUp && queues === 'drained' && timer.attempt >= policy.maxAttempts;
  if (outOfPatience || outOfAttempts) {
    const timedOut = recordStep(instance, step, 'action', 'TIMED_OUT', context);
    // The action may have happened, or may still happen: compensate this step too.
    const marked = { ...timedOut, data: definition.withReason(timedOut.data, 'TIMEOUT') };
    return compensateFrom(definition, marked, definition.steps.indexOf(step), context);
  }
  if (queues === 'queued') {
    const rearmed = withTimer(instance, { ...timer, deadline: context.now + policy.timeoutMs });
    return { instance: rearmed, commands: [], deferred: [step.name] };
  }
  const retrying = recordStep(instance, step, kind, 'RETRY_SCHEDULED', context, 'TIMEOUT');
  return scheduleRetry(definition, retrying, step, context);
}

function queueStateOf(queues: QueueStates, step: string): QueueState {
  return typeof queues === 'string' ? queues : (queues[step] ?? 'queued');
}

function fence<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  reply: SagaReplyInput,
): string | undefined {
  if (instance.status === 'COMPLETED' || instance.status === 'COMPENSATED') {
    return `saga already ${instance.status}`;
  }
  const awaited = instance.inFlight.map((timer) => ({
    step: timer.step,
    command: invocationOf(stepNamed(definition, timer.step), kindOf(instance))?.spec.type,
  }));
  // Any attempt's reply answers the awaited command, even one that arrives while a retry is scheduled.
  if (awaited.some(({ step, command }) => step === reply.step && command === reply.command)) {
    return undefined;
  }
  const waitingFor = awaited.map(({ step, command }) => `${command} of step ${step}`).join(', ');
  return `reply to ${reply.command} of step ${reply.step}; waiting for ${waitingFor}`;
}

/**
 * Runs the next step (or parallel group) from `index` on whose action has not
 * succeeded yet, or completes the saga. Of a group, only the members not done
 * are sent: a saga stored while it waited on one of them alone goes on with
 * the rest of the group.
 */
function forwardFrom<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  index: number,
  context: SagaContext,
): SagaTransition<Data> {
  let current = instance;
  for (let next = index; next < definition.steps.length; next++) {
    const step = definition.steps[next];
    if (!step || hasSucceeded(current, step.name)) {
      continue;
    }
    if (step.action) {
      const running: SagaInstance<Data> = { ...current, status: 'RUNNING', stepIndex: next, inFlight: [] };
      const stage = stageAt(definition, next).filter((member) => !hasSucceeded(current, member.name));
      return sendAll(definition, running, stage, context);
    }
    current = recordStep(current, step, 'action', 'SUCCEEDED', context, 'local');
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
    const step = definition.steps[next];
    if (step?.compensation) {
      const compensating: SagaInstance<Data> = { ...instance, status: 'COMPENSATING', stepIndex: next, inFlight: [] };
      return send(definition, compensating, step, 1, context);
    }
  }
  return { instance: finished(instance, 'COMPENSATED'), commands: [] };
}

function finished<Data>(instance: SagaInstance<Data>, status: 'COMPLETED' | 'COMPENSATED'): SagaInstance<Data> {
  return { ...instance, status, inFlight: [] };
}

/** Sends the first attempt of every step given, together. */
function sendAll<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  steps: StepDefinition<Data>[],
  context: SagaContext,
): SagaTransition<Data> {
  return steps.reduce<SagaTransition<Data>>(
    (sent, step) => {
      const next = send(definition, sent.instance, step, 1, context);
      return { instance: next.instance, commands: [...sent.commands, ...next.commands] };
    },
    { instance, commands: [] },
  );
}

/** Sends a step's action or compensation as attempt `attempt`, and arms the step's reply timer. */
function send<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  step: StepDefinition<Data>,
  attempt: number,
  context: SagaContext,
): SagaTransition<Data> {
  const kind = kindOf(instance);
  const invocation = invocationOf(step, kind);
  if (!invocation) {
    throw new Error(`step ${step.name} of ${definition.name} has no ${kind}`);
  }
  const command: SagaCommand = {
    type: invocation.spec.type,
    participant: invocation.spec.participant,
    payload: { ...invocation.build(instance.data), sagaId: instance.sagaId, step: step.name, attempt },
  };
  const needsAttention =
    instance.needsAttention ||
    ((kind === 'compensation' || step.retriable) && attempt >= definition.attentionAfterAttempts);
  const waiting = recordStep({ ...instance, needsAttention }, step, kind, 'WAITING', context, undefined, attempt);
  const deadline = context.now + replyTimeout(policyOf(definition, step).timeoutMs, attempt);
  return {
    instance: withTimer(waiting, { step: step.name, attempt, waitingFor: 'reply', deadline }),
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
  step: StepDefinition<Data>,
  context: SagaContext,
): SagaTransition<Data> {
  const timer = instance.inFlight.find((inFlight) => inFlight.step === step.name);
  if (!timer) {
    throw new Error(`step ${step.name} of saga ${instance.sagaId} is not in flight`);
  }
  const delay = backoffDelay(
    { maxAttempts: Infinity, ...policyOf(definition, step).backoff },
    timer.attempt,
    context.random,
  );
  return {
    instance: withTimer(instance, { ...timer, waitingFor: 'retry', deadline: context.now + delay }),
    commands: [],
  };
}

/** Sets a step's timer, replacing the one it had. */
function withTimer<Data>(instance: SagaInstance<Data>, timer: StepInFlight): SagaInstance<Data> {
  const inFlight = instance.inFlight.some((other) => other.step === timer.step)
    ? instance.inFlight.map((other) => (other.step === timer.step ? timer : other))
    : [...instance.inFlight, timer];
  return { ...instance, inFlight };
}

function withoutTimer<Data>(instance: SagaInstance<Data>, step: string): SagaInstance<Data> {
  return { ...instance, inFlight: instance.inFlight.filter((timer) => timer.step !== step) };
}

function kindOf(instance: SagaInstance<unknown>): StepKind {
  return instance.status === 'COMPENSATING' ? 'compensation' : 'action';
}

function invocationOf<Data>(step: StepDefinition<Data>, kind: StepKind): CommandInvocation<Data> | undefined {
  return kind === 'action' ? step.action : step.compensation;
}

function stepNamed<Data>(definition: SagaDefinition<Data>, name: string): StepDefinition<Data> {
  const step = definition.steps.find((candidate) => candidate.name === name);
  if (!step) {
    throw new Error(`saga ${definition.name} has no step ${name}`);
  }
  return step;
}
