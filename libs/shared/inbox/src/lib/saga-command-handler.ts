import type { MessageType, PayloadOf } from '@dtx/contracts';
import { outgoing } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import type { MessageHandler } from './message-dispatcher.js';
import { guardAction, guardCompensation, type StepResult } from './participant-guard.js';

type SagaCommandType = {
  [Type in MessageType]: PayloadOf<Type> extends { sagaId: string; step: string; attempt: number; orderId: string } ? Type : never;
}[MessageType];

/**
 * A participant's handler for an orchestrator command: the step runs under the
 * participant guard, and the outcome goes back as a SagaReply that echoes the
 * saga, step and attempt (so the orchestrator can fence it).
 */
export function sagaCommandHandler<Type extends SagaCommandType>(options: {
  resource: string;
  /** The step as traces name it, e.g. reserve-stock or release-stock. */
  name: string;
  run: (tx: SqlTransaction, command: PayloadOf<Type>) => Promise<StepResult>;
} & ({ kind: 'action' } | { kind: 'compensation'; nullOutcome: string })): MessageHandler<Type> {
  return async ({ tx, message }) => {
    const command = message.payload as PayloadOf<Type> & { sagaId: string; step: string; attempt: number; orderId: string };
    const key = { orderId: command.orderId, resource: options.resource };
    const run = () => options.run(tx, message.payload);
    const trace = { name: options.name, mode: 'orchestration' as const };
    const result =
      options.kind === 'action'
        ? await guardAction(tx, key, trace, run)
        : await guardCompensation(tx, key, trace, options.nullOutcome, run);
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
