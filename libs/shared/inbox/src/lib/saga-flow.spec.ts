import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOfFlow } from './message-dispatcher.js';

describe('isOfFlow', () => {
  const orderId = '00000000-0000-4000-8000-000000000001';

  it('holds for messages of orders in that flow and messages that name no mode', () => {
    assert.equal(isOfFlow({ orderId, mode: 'choreography' }, 'choreography'), true);
    assert.equal(isOfFlow({ orderId, mode: 'orchestration' }, 'orchestration'), true);
    assert.equal(isOfFlow({ orderId }, 'choreography'), true);
    assert.equal(isOfFlow({ orderId }, 'orchestration'), true);
  });

  it('fails for messages of orders in another mode', () => {
    assert.equal(isOfFlow({ orderId, mode: 'orchestration' }, 'choreography'), false);
    assert.equal(isOfFlow({ orderId, mode: '2pc' }, 'choreography'), false);
    assert.equal(isOfFlow({ orderId, mode: 'choreography' }, 'orchestration'), false);
  });
});
