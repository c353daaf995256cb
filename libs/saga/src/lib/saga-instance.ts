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
  /** Why a reply was not applied (late, duplicate, for another step); undefined when it was. */
  ignored?: string;
}

/** The clock and randomness the engine uses, passed in so tests can fix them. */
export interface SagaContext {
  now: number;
  random: () => number;
}
