import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageTypesOn } from './message-catalog.js';
import { consumerGroupOf, laneOf, settlementTopics, Topics, type Topic } from './topics.js';

describe('consumer lanes', () => {
  it('settle only what follows a decided order: its outcome, and the commands after the pivot but the approval', () => {
    assert.deepEqual(messageTypesOn([...settlementTopics]), [
      'CapturePayment',
      'CommitStock',
      'OrderCancelled',
      'OrderConfirmed',
    ]);
  });

  it('put every other topic in the saga-steps lane', () => {
    const others = Object.values(Topics).filter((topic: Topic) => !settlementTopics.has(topic));
    assert.ok(others.length > 0);
    assert.ok(others.every((topic) => laneOf(topic) === 'saga-steps'));
    assert.ok([...settlementTopics].every((topic) => laneOf(topic) === 'settlement'));
  });

  it("name a lane's consumer group after the service", () => {
    assert.equal(consumerGroupOf('payment'), 'payment');
    assert.equal(consumerGroupOf('payment', 'saga-steps'), 'payment');
    assert.equal(consumerGroupOf('payment', 'settlement'), 'payment.settlement');
  });
});
