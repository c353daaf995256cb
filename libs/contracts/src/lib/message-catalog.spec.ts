import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageTypesOn, topicsOf } from './message-catalog.js';

describe('topicsOf', () => {
  it('gives each topic the message types travel on once, sorted', () => {
    const handled = { SagaReply: 1, OrderCreated: 2, OrderCancelled: 3, ReserveStock: 4 };
    assert.deepEqual(topicsOf(handled), [
      'inventory.commands',
      'orchestrator.replies',
      'orders.created',
      'orders.outcomes',
    ]);
  });

  it('gives no topic for no message type', () => {
    assert.deepEqual(topicsOf({}), []);
  });

  it('rejects a key that is not a message type', () => {
    assert.throws(() => topicsOf({ OrderShipped: 1 } as object), /OrderShipped is not a message type/);
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

  it('gives no type for no topic', () => {
    assert.deepEqual(messageTypesOn([]), []);
  });
});
