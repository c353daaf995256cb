import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMessage, isMessageType, messageTypesOn, Topics, topicsOf } from '@dtx/contracts';
import { SERVICE_KAFKA_ACCESS } from '@dtx/messaging';
import { orchestratorHandlers } from './orchestrator-handlers.js';

describe('orchestrator subscriptions', () => {
  it('are exactly the topics of the messages the orchestrator handles', () => {
    const handlers = orchestratorHandlers({ start: async () => [], reply: async () => [] });
    assert.ok(Object.keys(handlers).every(isMessageType));
    assert.deepEqual(new Set(topicsOf(handlers)), new Set([Topics.orchestratedOrderCreated, Topics.sagaReplies]));
  });

  it('start sagas only for orchestrated orders: the others are skipped before any transaction', () => {
    const handlers = orchestratorHandlers({ start: async () => [], reply: async () => [] });
    const orderId = '0b7d4c52-6f0e-4b8e-9d43-2a4f1c5e7a10';
    const created = (mode: 'choreography' | 'orchestration' | '2pc') =>
      createMessage(
        'OrderCreated',
        { orderId, customerId: 'alice', mode, items: [{ sku: 'BOOK', quantity: 1, unitPrice: 100 }], total: 100 },
        { source: 'order', aggregateId: orderId, correlationId: orderId, causationId: null, lamport: 1 },
      );
    assert.equal(handlers.OrderCreated?.appliesTo?.(created('orchestration')), true);
    assert.equal(handlers.OrderCreated?.appliesTo?.(created('choreography')), false);
  });

  it('are the topics its Kafka user may read (libs/shared/messaging, kafka-acls.ts)', () => {
    assert.deepEqual(
      new Set(topicsOf(orchestratorHandlers({ start: async () => [], reply: async () => [] }))),
      new Set(SERVICE_KAFKA_ACCESS.orchestrator.reads),
    );
  });

  it('are sent no message it does not handle: every type on those topics has a handler', () => {
    const handlers = orchestratorHandlers({ start: async () => [], reply: async () => [] });
    assert.deepEqual(messageTypesOn(topicsOf(handlers)), Object.keys(handlers).sort());
  });
});
