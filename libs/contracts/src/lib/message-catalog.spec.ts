import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageTypesOn, topicOfMessage, topicsOf } from './message-catalog.js';

describe('topicsOf', () => {
  it('gives each topic the message types travel on once, sorted', () => {
    const handled = { SagaReply: 1, OrderCreated: 2, OrderCancelled: 3, ReserveStock: 4 };
    assert.deepEqual(topicsOf(handled), [
      'inventory.commands',
      'orchestrator.replies',
      'orders.created',
      'orders.created.orchestrated',
      'orders.outcomes',
    ]);
  });

  it("gives a handler of one flow only its flow's topic of a type with a topic per flow", () => {
    const choreographed = Object.assign(() => undefined, { flow: 'choreography' });
    const orchestrated = Object.assign(() => undefined, { flow: 'orchestration' });
    assert.deepEqual(topicsOf({ OrderCreated: choreographed }), ['orders.created']);
    assert.deepEqual(topicsOf({ OrderCreated: orchestrated, SagaReply: orchestrated }), [
      'orchestrator.replies',
      'orders.created.orchestrated',
    ]);
  });

  it('gives no topic for no message type', () => {
    assert.deepEqual(topicsOf({}), []);
  });

  it('rejects a key that is not a message type', () => {
    assert.throws(() => topicsOf({ OrderShipped: 1 } as object), /OrderShipped is not a message type/);
  });
});

describe('topicOfMessage', () => {
  const order = {
    orderId: '0b7d4c52-6f0e-4b8e-9d43-2a4f1c5e7a10',
    customerId: 'alice',
    items: [{ sku: 'BOOK', quantity: 1, unitPrice: 100 }],
    total: 100,
  };

  it("sends a message of a type with a topic per flow on its order's flow's topic", () => {
    assert.equal(topicOfMessage('OrderCreated', { ...order, mode: 'choreography' }), 'orders.created');
    assert.equal(topicOfMessage('OrderCreated', { ...order, mode: 'orchestration' }), 'orders.created.orchestrated');
  });

  it("sends every other message on its type's topic", () => {
    assert.equal(topicOfMessage('OrderCreated', { ...order, mode: '2pc' }), 'orders.created');
    assert.equal(
      topicOfMessage('OrderConfirmed', { orderId: order.orderId, mode: 'orchestration' }),
      'orders.outcomes',
    );
  });
});

describe('messageTypesOn', () => {
  it('gives every message type that travels on the given topics, sorted', () => {
    assert.deepEqual(messageTypesOn(['orders.outcomes', 'inventory.reservations']), [
      'OrderCancelled',
      'OrderConfirmed',
      'StockReserved',
    ]);
  });

  it('gives a type with a topic per flow for either of them', () => {
    assert.deepEqual(messageTypesOn(['orders.created.orchestrated']), ['OrderCreated']);
  });

  it('gives no type for no topic', () => {
    assert.deepEqual(messageTypesOn([]), []);
  });
});
