import type { CommandArguments, CommandSpec, MessageType } from '@dtx/contracts';

/** How long a step waits for a reply, and how it retries. */
export interface StepPolicy {
  /** How long a reply may take before the orchestrator asks whether the command or its reply is still queued. */
  timeoutMs: number;
  /**
   * Attempts of a compensatable action before it is given up as TIMEOUT, counted only while every
   * queue is drained (retriable steps and compensations never give up).
   */
  maxAttempts: number;
  /** How long a compensatable action may wait in all, queued or not, before it is given up as TIMEOUT. */
  patienceMs: number;
  backoff: { initialDelayMs: number; maxDelayMs: number };
}

type AnyCommandSpec = CommandSpec<MessageType, string, string>;

export interface CommandInvocation<Data> {
  spec: AnyCommandSpec;
  build: (data: Data) => object;
}

export interface ActionDefinition<Data> extends CommandInvocation<Data> {
  /** For each failure outcome the participant may reply with: the saga data to compensate with. */
  onFailure: Record<string, (data: Data) => Data>;
}

export interface StepDefinition<Data> {
  name: string;
  /** Absent for a local step that is already done when the saga starts. */
  action?: ActionDefinition<Data>;
  compensation?: CommandInvocation<Data>;
  /** A step after the pivot: it cannot fail for good, so it is retried until it succeeds. */
  retriable: boolean;
  policy?: Partial<StepPolicy>;
  /** The parallel group the step belongs to: its members are sent together, and the saga goes on once all succeeded. */
  group?: string;
}

export interface SagaDefinition<Data> {
  name: string;
  steps: readonly StepDefinition<Data>[];
  defaultPolicy: StepPolicy;
  /** Compensation attempts after which the saga is flagged as needing attention (and still retried). */
  attentionAfterAttempts: number;
  /** Marks the saga data with the reason the saga is compensated (for example TIMEOUT). */
  withReason: (data: Data, reason: string) => Data;
}

/** A step that can be undone: the only kind allowed before the pivot. */
export interface CompensatableStep<Data> {
  readonly kind: 'compensatable';
  readonly action?: ActionDefinition<Data>;
  readonly compensation: CommandInvocation<Data>;
  readonly policy?: Partial<StepPolicy>;
}

/** A step after the pivot: no compensation, no failure outcomes, retried until it succeeds. */
export interface RetriableStep<Data> {
  readonly kind: 'retriable';
  readonly action: ActionDefinition<Data>;
  readonly policy?: Partial<StepPolicy>;
}

type FailureHandlers<Data, Failure extends string> = { [Outcome in Failure]: (data: Data) => Data };

/** An action invoked on a participant; it must be given a compensation, or declared retriable. */
export class Invocation<Data, Failure extends string> {
  constructor(
    private readonly action: ActionDefinition<Data>,
    /** The outcomes that make the step fail; part of the type, so a step that can fail cannot be retriable. */
    readonly failureOutcomes: readonly Failure[],
    private readonly policy?: Partial<StepPolicy>,
  ) {}

  /** The command that undoes this action; compensations have no reply handlers to attach. */
  compensateWith<Type extends MessageType>(
    spec: CommandSpec<Type, string, never>,
    build: (data: Data) => CommandArguments<Type>,
  ): CompensatableStep<Data> {
    return { kind: 'compensatable', action: this.action, compensation: { spec, build }, policy: this.policy };
  }

  /** Declares the step retriable: allowed only for commands that have no failure outcome. */
  retriedUntilSuccess(this: Invocation<Data, never>): RetriableStep<Data> {
    return { kind: 'retriable', action: this.action, policy: this.policy };
  }

  withPolicy(policy: Partial<StepPolicy>): Invocation<Data, Failure> {
    return new Invocation(this.action, this.failureOutcomes, { ...this.policy, ...policy });
  }
}

/**
 * Invokes a participant's command. Every failure outcome the command declares
 * must be handled, and only those: the compiler checks both.
 */
export function invoke<Data, Type extends MessageType, Failure extends string = never>(
  spec: CommandSpec<Type, string, Failure>,
  build: (data: Data) => CommandArguments<Type>,
  ...handlers: [NoInfer<Failure>] extends [never]
    ? []
    : [{ onFailure: FailureHandlers<NoInfer<Data>, NoInfer<Failure>> }]
): Invocation<Data, Failure> {
  const onFailure = (handlers[0]?.onFailure ?? {}) as Record<string, (data: Data) => Data>;
  return new Invocation<Data, Failure>({ spec, build, onFailure }, spec.failures);
}

/** A step done locally before the saga starts (the order exists), undone by a participant's command. */
export function localStep<Data>() {
  return {
    compensateWith<Type extends MessageType>(
      spec: CommandSpec<Type, string, never>,
      build: (data: Data) => CommandArguments<Type>,
    ): CompensatableStep<Data> {
      return { kind: 'compensatable', compensation: { spec, build } };
    },
  };
}

/**
 * Builds a saga definition top to bottom. Compensatable steps come first;
 * once a retriable step is added (the pivot has passed) only retriable steps
 * may follow: `compensatable` is not available on that builder.
 */
export class SagaBuilder<Data, Phase extends 'compensatable' | 'retriable'> {
  constructor(
    /** Part of the type: only a builder still in the compensatable phase offers `compensatable`. */
    readonly phase: Phase,
    private readonly definition: Omit<SagaDefinition<Data>, 'steps'>,
    private readonly steps: StepDefinition<Data>[] = [],
  ) {}

  compensatable(
    this: SagaBuilder<Data, 'compensatable'>,
    name: string,
    step: CompensatableStep<Data>,
  ): SagaBuilder<Data, 'compensatable'> {
    return new SagaBuilder('compensatable', this.definition, [
      ...this.steps,
      { name, action: step.action, compensation: step.compensation, retriable: false, policy: step.policy },
    ]);
  }

  retriable(name: string, step: RetriableStep<Data>): SagaBuilder<Data, 'retriable'> {
    return new SagaBuilder('retriable', this.definition, [
      ...this.steps,
      { name, action: step.action, retriable: true, policy: step.policy },
    ]);
  }

  /**
   * Retriable steps sent together, by name: each is retried on its own, and
   * the saga goes on once every one of them has succeeded. Only retriable
   * steps may run in parallel, since none of them can fail and make the
   * others' work need undoing.
   */
  parallel(group: string, members: Readonly<Record<string, RetriableStep<Data>>>): SagaBuilder<Data, 'retriable'> {
    const steps = Object.entries(members).map(([name, step]): StepDefinition<Data> => ({
      name,
      action: step.action,
      retriable: true,
      policy: step.policy,
      group,
    }));
    if (steps.length < 2) {
      throw new Error(`parallel group ${group} of saga ${this.definition.name} needs at least two steps`);
    }
    return new SagaBuilder('retriable', this.definition, [...this.steps, ...steps]);
  }

  build(): SagaDefinition<Data> {
    const names = this.steps.map((step) => step.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated) {
      // Replies are matched to their step by name.
      throw new Error(`saga ${this.definition.name} has two steps named ${repeated}`);
    }
    return { ...this.definition, steps: this.steps };
  }
}

/** Starts a saga definition. */
export function defineSaga<Data>(
  name: string,
  options: Omit<SagaDefinition<Data>, 'name' | 'steps'>,
): SagaBuilder<Data, 'compensatable'> {
  return new SagaBuilder('compensatable', { name, ...options });
}

/** The steps that run together from `index`: the step alone, or every member of its parallel group. */
export function stageAt<Data>(definition: SagaDefinition<Data>, index: number): StepDefinition<Data>[] {
  const first = definition.steps[index];
  if (first?.group === undefined) {
    return first ? [first] : [];
  }
  const rest = definition.steps.slice(index);
  const end = rest.findIndex((step) => step.group !== first.group);
  return end === -1 ? rest : rest.slice(0, end);
}

/** A step's policy: the saga's default overridden by the step's own. */
export function policyOf<Data>(definition: SagaDefinition<Data>, step: StepDefinition<Data>): StepPolicy {
  return {
    ...definition.defaultPolicy,
    ...step.policy,
    backoff: { ...definition.defaultPolicy.backoff, ...step.policy?.backoff },
  };
}
