import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMessageType, Topics, topicsOf } from '@dtx/contracts';
import { orchestratorHandlers } from './orchestrator-handlers.js';

describe('orchestrator subscriptions', () => {
  it('are exactly the topics of the messages the orchestrator handles', () => {
    const handlers = orchestratorHandlers({ start: async () => [], reply: async () => [] });
    assert.ok(Object.keys(handlers).every(isMessageType));
    assert.deepEqual(new Set(topicsOf(handlers)), new Set([Topics.orderEvents, Topics.sagaReplies]));
  });
});
