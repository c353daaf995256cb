import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { OrderMessageIndex } from './order-message-index.js';
import { observeRecord, orderRecordOf, type OrderRecord } from './order-messages.js';

const message = (id: string): OrderRecord => ({
  topic: 't',
  partition: 0,
  offset: id,
  value: JSON.stringify({ id, type: 'T', source: 's', correlationId: 'c', lamport: 1, payload: {} }),
  headers: { 'message-id': id },
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

describe('orderRecordOf', () => {
  it('keeps the text and the headers an observation reads, copied out of the fetch buffer, and observes the same', () => {
    const fetched = Buffer.from(
      `xx${JSON.stringify({ id: 'm1', type: 'StockReserved', source: 'inventory', lamport: 7, payload: { n: 1 } })}`,
    );
    const message = {
      key: Buffer.from('order-1'),
      value: fetched.subarray(2),
      offset: '42',
      timestamp: '0',
      attributes: 0,
      headers: { 'message-id': Buffer.from('m1'), 'replayed-by': [Buffer.from('ada'), Buffer.from('bob')], other: 'x' },
    };
    const record = orderRecordOf('inventory.dead-letters', 2, message);
    assert.equal(typeof record.value, 'string');
    assert.deepEqual(record.headers, { 'message-id': 'm1', 'replayed-by': 'bob' });
    fetched.fill(0); // the fetch buffer is reused by the client: the record must not point into it
    assert.deepEqual(observeRecord(record), {
      id: 'm1',
      type: 'StockReserved',
      source: 'inventory',
      topic: 'inventory.dead-letters',
      partition: 2,
      offset: '42',
      causationId: null,
      correlationId: '',
      lamport: 7,
      payload: { n: 1 },
      deadLetter: { reason: '', error: '', consumerGroup: '' },
      replay: { by: 'bob', at: '' },
    });
  });
});
