import { forFlow, type MessageHandlers } from '@dtx/inbox';
import type { SagaOrchestrator } from './saga-orchestrator.js';

/** What the orchestrator consumes: orchestrated orders start a saga, participants' replies advance it. */
export function orchestratorHandlers(orchestrator: Pick<SagaOrchestrator, 'start' | 'reply'>): MessageHandlers {
  return {
    OrderCreated: forFlow('orchestration', async ({ tx, message }) => orchestrator.start(tx, message.payload)),
    SagaReply: async ({ tx, message }) => orchestrator.reply(tx, message),
  };
}
