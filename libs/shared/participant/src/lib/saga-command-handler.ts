import type { CommandArguments, PayloadOf } from '@dtx/contracts';
import type { MessageHandler, MessageHandlers } from '@dtx/inbox';
import { outgoing } from '@dtx/outbox';
import type { AnyParticipantStep, GuardedWork, SagaCommandType } from './participant-step.js';

/**
 * A participant's handler for an orchestrator command: the step runs under the
 * participant guard, and the outcome goes back as a SagaReply that echoes the
 * saga, step and attempt (so the orchestrator can fence it).
 */
function sagaCommandHandler<Type extends SagaCommandType>(work: GuardedWork<Type>): MessageHandler<Type> {
  return async ({ tx, message, assumeNew }) => {
    const command = message.payload as PayloadOf<Type> & {
      sagaId: string;
      step: string;
      attempt: number;
      orderId: string;
    };
    const result = await work.run(tx, command as CommandArguments<Type>, 'orchestration', assumeNew);
    return [
      outgoing('SagaReply', {
        sagaId: command.sagaId,
        step: command.step,
        attempt: command.attempt,
        orderId: command.orderId,
        command: message.type,
        outcome: result.outcome,
        ...(result.reason ? { reason: result.reason } : {}),
      }),
    ];
  };
}

/** Binds steps to the orchestrated flow: a handler for each command of their actions and compensations. */
export function orchestrated(...steps: AnyParticipantStep[]): MessageHandlers {
  const handlers: Partial<Record<SagaCommandType, MessageHandler<SagaCommandType>>> = {};
  for (const work of steps.flatMap((step) => (step.compensation ? [step.action, step.compensation] : [step.action]))) {
    if (handlers[work.command]) {
      throw new Error(`${work.command} is answered by two steps`);
    }
    handlers[work.command] = sagaCommandHandler(work);
  }
  return handlers as MessageHandlers;
}
