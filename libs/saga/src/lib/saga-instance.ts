export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED';

export type StepKind = 'action' | 'compensation';

export type StepStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'WAITING' | 'RETRY_SCHEDULED';

/** One line of a saga's history: an action or compensation of one step, over all its attempts. */
export interface StepRecord {
  name: string;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  startedAt: string;
  endedAt: string | null;
  outcome?: string;
  /** The parallel group the step ran in, if it was one of several sent together. */
  group?: string;
}

/** A step whose action or compensation has been sent and is not done: its attempt and its timer. */
export interface StepInFlight {
  step: string;
  attempt: number;
  /** What the timer at `deadline` means: the reply is overdue, or a retry is due. */
  waitingFor: 'reply' | 'retry';
  deadline: number;
}

/** Everything the orchestrator stores about one saga; enough to continue it after a crash. */
export interface SagaInstance<Data> {
  sagaId: string;
  orderId: string;
  type: string;
  data: Data;
  status: SagaStatus;
  /**
   * The step whose action (RUNNING) or compensation (COMPENSATING) is in flight;
   * for a parallel group, its first member.
   */
  stepIndex: number;
  /**
   * The steps in flight, each with its own attempt and timer: the current step, or
   * every member of the current parallel group that has not succeeded yet. Empty once
   * the saga has ended.
   */
  inFlight: StepInFlight[];
  needsAttention: boolean;
  history: StepRecord[];
}

/** A command the saga sends, stored in the outbox with the saga's new state. */
export interface SagaCommand {
  type: string;
  participant: string;
  payload: Record<string, unknown>;
}

/** A participant's reply, as the engine needs it. */
export interface SagaReplyInput {
  step: string;
  attempt: number;
  command: string;
  outcome: string;
  reason?: string;
}

export interface SagaTransition<Data> {
  instance: SagaInstance<Data>;
  commands: SagaCommand[];
  /** Why a reply was not applied (another step, another direction, a finished saga); undefined when it was. */
  ignored?: string;
  /** The steps whose overdue reply timer was only re-armed, because the command or its reply is still queued. */
  deferred?: string[];
}

/**
 * Where the awaited command and its reply can be, as far as the orchestrator can tell
 * when a reply is overdue: `queued` if the outbox, the participant's command topic or
 * the reply topic still holds unconsumed messages (or the broker cannot be asked), so
 * the participant is slow, not dead; `drained` if every queue is empty, so the command
 * was consumed and no answer is on its way.
 */
export type QueueState = 'queued' | 'drained';

/**
 * The queue state of every overdue step: one for all of them, or one per step name.
 * A step missing from the record counts as `queued`, as a queue that cannot be read does.
 */
export type QueueStates = QueueState | Readonly<Record<string, QueueState>>;

/** The clock and randomness the engine uses, passed in so tests can fix them. */
export interface SagaContext {
  now: number;
  random: () => number;
}

/**
 * The saga's durable timer: the earliest of its steps' timers, which the
 * orchestrator stores in its own columns so that due sagas can be found by index.
 */
export function sagaTimer(instance: SagaInstance<unknown>): {
  waitingFor: StepInFlight['waitingFor'] | 'nothing';
  deadline: number | null;
} {
  const earliest = instance.inFlight.reduce<StepInFlight | undefined>(
    (first, step) => (first && first.deadline <= step.deadline ? first : step),
    undefined,
  );
  return earliest
    ? { waitingFor: earliest.waitingFor, deadline: earliest.deadline }
    : { waitingFor: 'nothing', deadline: null };
}

/** The highest attempt among the steps in flight (0 when none is): how hard the saga is trying. */
export function highestAttempt(instance: SagaInstance<unknown>): number {
  return Math.max(0, ...instance.inFlight.map((step) => step.attempt));
}
