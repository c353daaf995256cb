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
}

/** Everything the orchestrator stores about one saga; enough to continue it after a crash. */
export interface SagaInstance<Data> {
  sagaId: string;
  orderId: string;
  type: string;
  data: Data;
  status: SagaStatus;
  /** The step whose action (RUNNING) or compensation (COMPENSATING) is in flight. */
  stepIndex: number;
  attempt: number;
  /** What the durable timer at `deadline` means: the reply is overdue, or a retry is due. */
  waitingFor: 'reply' | 'retry' | 'nothing';
  deadline: number | null;
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
  /** Set when an overdue reply timer was only re-armed because the command or its reply is still queued. */
  deferred?: boolean;
}

/**
 * Where the awaited command and its reply can be, as far as the orchestrator can tell
 * when a reply is overdue: `queued` if the outbox, the participant's command topic or
 * the reply topic still holds unconsumed messages (or the broker cannot be asked), so
 * the participant is slow, not dead; `drained` if every queue is empty, so the command
 * was consumed and no answer is on its way.
 */
export type QueueState = 'queued' | 'drained';

/** The clock and randomness the engine uses, passed in so tests can fix them. */
export interface SagaContext {
  now: number;
  random: () => number;
}
