import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicsOf } from './message-catalog.js';

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
