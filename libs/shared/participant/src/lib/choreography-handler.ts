import type { CommandArguments, MessageType, PayloadOf } from '@dtx/contracts';
import { forFlow, type MessageHandler } from '@dtx/inbox';
import type { GuardedWork, SagaCommandType } from './participant-step.js';

/**
 * Binds a step's action or compensation to the event that triggers it in the
 * choreographed flow (the handler's key in the handler map); `input` turns
 * the event into the arguments the step's command would carry. The step runs
 * under the participant guard and its events are published; events of orders
 * in another mode are skipped before any transaction (and an event with a
 * topic per flow is read from choreography's only).
 */
export function choreographed<Event extends MessageType, Type extends SagaCommandType>(
  work: GuardedWork<Type>,
  input: (event: PayloadOf<Event>) => NoInfer<CommandArguments<Type>>,
): MessageHandler<Event> {
  return forFlow<Event>(
    'choreography',
    async ({ tx, message, assumeNew }) =>
      (await work.run(tx, input(message.payload), 'choreography', assumeNew)).events,
  );
}
