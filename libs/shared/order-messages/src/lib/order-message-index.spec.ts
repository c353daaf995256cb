import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObservedMessage } from '@dtx/inspection';
import type { Kafka } from 'kafkajs';
import { OrderMessageIndex } from './order-message-index.js';

const message = (id: string): ObservedMessage => ({
  id,
  type: 'T',
  source: 's',
  topic: 't',
  partition: 0,
  offset: '0',
  causationId: null,
  correlationId: 'c',
  lamport: 1,
  payload: {},
});

describe('OrderMessageIndex', () => {
  const index = () =>
    new OrderMessageIndex({ kafka: {} as Kafka, topicPrefix: '', groupIdPrefix: 'console-', maxMessages: 3 });

  it('keeps messages by order and drops the order written to least recently when full', () => {
    const messages = index();
    messages.add('a', message('1'));
    messages.add('b', message('2'));
    messages.add('a', message('3'));
    messages.add('c', message('4'));
    assert.deepEqual(
      messages.messagesOf('a').messages.map((found) => found.id),
      ['1', '3'],
    );
    assert.deepEqual(messages.messagesOf('b').messages, []);
    assert.equal(messages.status().droppedOrders, 1);
    assert.equal(messages.status().messages, 3);
  });

  it('vouches for no order before it has read the topics, nor for a dropped one after', () => {
    const messages = index();
    messages.add('a', message('1'));
    assert.equal(messages.messagesOf('a').complete, false, 'not started');
    assert.equal(messages.status().state, 'starting');
  });
});
