import type { CommandArguments, CommandSpec, MessageType, PayloadOf } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { guardAction, guardCompensation, type StepResult, type StepTrace } from './participant-guard.js';

/** A command an orchestrator sends for a saga step: it names the saga, the step, the attempt and the order. */
export type SagaCommandType = {
  [Type in MessageType]: PayloadOf<Type> extends { sagaId: string; step: string; attempt: number; orderId: string }
    ? Type
    : never;
}[MessageType];

/** The result a participant may give a command: only an outcome the command's spec lists. */
export type CommandResult<Spec> =
  Spec extends CommandSpec<MessageType, infer Success, infer Failure> ? StepResult<Success | Failure> : never;

/** Which saga flow asked for the step (it shows as `saga.mode` in traces). */
export type SagaMode = StepTrace['mode'];

/**
 * What a participant does for an action or a compensation: the command that
 * asks for it, its name in traces, and the work, which takes the command's
 * arguments and answers one of the outcomes the command lists.
 */
export interface StepWork<Type extends SagaCommandType, Success extends string, Failure extends string> {
  command: CommandSpec<Type, Success, Failure>;
  /** The step as traces name it, e.g. reserve-stock or release-stock. */
  name: string;
  run: (tx: SqlTransaction, input: CommandArguments<Type>) => Promise<StepResult<NoInfer<Success | Failure>>>;
}

/** The action or the compensation of a declared step, run under the participant guard; bound to a flow by `orchestrated` and `choreographed`. */
export interface GuardedWork<Type extends SagaCommandType> {
  readonly command: Type;
  // A method, so that work for one command fits where work for any command is expected.
  /** `assumeNew`: the handler's (see HandlerContext in @dtx/inbox); an action then records its step without looking for it first. */
  run(tx: SqlTransaction, input: CommandArguments<Type>, mode: SagaMode, assumeNew?: boolean): Promise<StepResult>;
}

/** A participant's saga step: what it acts on (one guarded row per order), its action and, if it can be undone, its compensation. */
export type ParticipantStep<Action extends SagaCommandType, Compensation extends SagaCommandType = never> = {
  readonly resource: string;
  readonly action: GuardedWork<Action>;
} & ([Compensation] extends [never]
  ? { readonly compensation?: undefined }
  : { readonly compensation: GuardedWork<Compensation> });

/** Any declared step, as the flow bindings take it. */
export interface AnyParticipantStep {
  readonly resource: string;
  readonly action: GuardedWork<SagaCommandType>;
  readonly compensation?: GuardedWork<SagaCommandType>;
}

/**
 * Declares a participant's saga step once: the resource it acts on, its
 * action and its compensation, each answering only the outcomes its command's
 * spec lists (a compensation cannot fail, and a compensation that comes first
 * answers its command's success). Both flows bind this one declaration.
 */
export function participantStep<
  Action extends SagaCommandType,
  Success extends string,
  Failure extends string,
  Compensation extends SagaCommandType = never,
  Compensated extends string = never,
>(declaration: {
  resource: string;
  action: StepWork<Action, Success, Failure>;
  compensation?: StepWork<Compensation, Compensated, never>;
}): ParticipantStep<Action, Compensation> {
  const { resource, action, compensation } = declaration;
  // Every saga command names its order (SagaCommandType), and so do its arguments.
  const key = (input: object) => ({ orderId: (input as { orderId: string }).orderId, resource });
  const step: AnyParticipantStep = {
    resource,
    action: {
      command: action.command.type,
      run: (tx, input, mode, assumeNew) =>
        guardAction(
          tx,
          key(input),
          { name: action.name, mode },
          () => action.run(tx, input as CommandArguments<Action>),
          assumeNew,
        ),
    },
    ...(compensation && {
      compensation: {
        command: compensation.command.type,
        run: (tx, input, mode) =>
          guardCompensation(tx, key(input), { name: compensation.name, mode }, compensation.command.success, () =>
            compensation.run(tx, input as CommandArguments<Compensation>),
          ),
      },
    }),
  };
  return step as ParticipantStep<Action, Compensation>;
}
