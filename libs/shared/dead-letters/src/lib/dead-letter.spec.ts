import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import {
  readDeadLetter,
  readReplayRecord,
  replayHeaders,
  selectDeadLetters,
  withReplays,
  type DeadLetter,
  type DeadLetterReplay,
} from './dead-letter.js';

const orderId = '0d5ad0a6-08a4-4f4e-9f3c-6f1d2b7f1a10';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const deadLettered = (headers: Record<string, string>, value = '{}', offset = '7'): KafkaMessage =>
  ({
    key: Buffer.from(orderId),
    value: Buffer.from(value),
    offset,
    timestamp: String(Date.parse('2026-11-25T19:57:50.000Z')),
    attributes: 0,
    headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, Buffer.from(text)])),
  }) as KafkaMessage;

const handlerFailed = {
  'message-id': 'm-1',
  'message-type': 'StockReserved',
  'correlation-id': orderId,
  'causation-id': 'm-0',
  traceparent,
  tracestate: 'vendor=1',
  'dead-letter-reason': 'HANDLER_FAILED',
  'dead-letter-error': 'injected fault',
  'dead-letter-attempts': '6',
  'dead-letter-consumer-group': 't.payment',
  'dead-lettered-at': '2026-11-25T19:57:51.000Z',
  'original-topic': 't.inventory.events',
  'original-partition': '2',
  'original-offset': '41',
  'original-timestamp': '1795636669301',
};

describe('dead letters as read', () => {
  it('reads why, where from and which message from the headers, the order from the key', () => {
    const letter = readDeadLetter('t.payment.dead-letters', 1, deadLettered(handlerFailed));
    assert.deepEqual(letter, {
      topic: 't.payment.dead-letters',
      partition: 1,
      offset: '7',
      key: orderId,
      orderId,
      messageId: 'm-1',
      type: 'StockReserved',
      reason: 'HANDLER_FAILED',
      error: 'injected fault',
      originalTopic: 't.inventory.events',
      originalPartition: 2,
      originalOffset: '41',
      consumerGroup: 't.payment',
      deadLetteredAt: '2026-11-25T19:57:51.000Z',
      attempts: 6,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      replays: [],
    });
  });

  it('falls back to the envelope for an id and a type, and to the record time, when headers are missing', () => {
    const message = deadLettered(
      { 'dead-letter-reason': 'INVALID_PAYLOAD' },
      JSON.stringify({ id: 'm-9', type: 'OrderCreated', aggregateId: orderId, payload: {} }),
    );
    message.key = null;
    const letter = readDeadLetter('order.dead-letters', 0, message);
    assert.deepEqual(
      [letter.orderId, letter.messageId, letter.type, letter.attempts, letter.originalPartition, letter.deadLetteredAt],
      [orderId, 'm-9', 'OrderCreated', null, null, '2026-11-25T19:57:50.000Z'],
    );
    assert.equal(readDeadLetter('order.dead-letters', 0, deadLettered({}, '{oops')).type, null);
  });
});

describe('a replayed copy', () => {
  const from = { topic: 't.payment.dead-letters', partition: 1, offset: '7' };
  const at = new Date('2026-11-26T08:00:00.000Z');

  it('keeps the message’s own headers, drops the dead-letter ones, and says where it came from, who and when', () => {
    const replayTrace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01' };
    const headers = replayHeaders(deadLettered(handlerFailed).headers, { from, by: 'alice', at, trace: replayTrace });
    assert.deepEqual(headers, {
      'message-id': 'm-1',
      'message-type': 'StockReserved',
      'correlation-id': orderId,
      'causation-id': 'm-0',
      traceparent: replayTrace.traceparent,
      'replayed-from': 't.payment.dead-letters/1@7',
      'replayed-by': 'alice',
      'replayed-at': '2026-11-26T08:00:00.000Z',
    });
  });

  it('keeps the original trace context when nothing is traced, and replaces an earlier replay’s headers', () => {
    const again = { ...handlerFailed, 'replayed-by': 'bob', 'replayed-from': 'x/0@1' };
    const headers = replayHeaders(deadLettered(again).headers, { from, by: 'alice', at, trace: undefined });
    assert.equal(headers['traceparent'], traceparent);
    assert.equal(headers['tracestate'], 'vendor=1');
    assert.equal(headers['replayed-by'], 'alice');
    assert.equal(headers['replayed-from'], 't.payment.dead-letters/1@7');
  });
});

describe('replay records', () => {
  const replay = (offset: string, replayedAt: string, by = 'alice'): DeadLetterReplay => ({
    deadLetter: { topic: 'payment.dead-letters', partition: 0, offset },
    replayedTo: { topic: 'inventory.events', partition: 0, offset: '99' },
    messageId: 'm-1',
    orderId,
    replayedBy: by,
    replayedAt,
    traceId: null,
  });

  it('are read back as written, and anything else is ignored', () => {
    const written = replay('3', '2026-11-26T08:00:00.000Z');
    assert.deepEqual(readReplayRecord(Buffer.from(JSON.stringify(written))), written);
    assert.equal(readReplayRecord(Buffer.from('{"deadLetter": 1}')), undefined);
    assert.equal(readReplayRecord(Buffer.from('not json')), undefined);
    assert.equal(readReplayRecord(null), undefined);
  });

  it('are given to the dead letters they name, oldest first; filters keep one reason, newest first, up to the limit', () => {
    const letter = (offset: string, reason: string, at: string): DeadLetter => ({
      ...readDeadLetter('payment.dead-letters', 0, deadLettered(handlerFailed, '{}', offset)),
      reason,
      deadLetteredAt: at,
    });
    const letters = withReplays(
      [
        letter('3', 'HANDLER_FAILED', '2026-11-25T10:00:00.000Z'),
        letter('4', 'INVALID_JSON', '2026-11-25T11:00:00.000Z'),
        letter('5', 'HANDLER_FAILED', '2026-11-25T12:00:00.000Z'),
      ],
      [replay('3', '2026-11-26T09:00:00.000Z', 'bob'), replay('3', '2026-11-26T08:00:00.000Z')],
    );
    assert.deepEqual(
      letters.map((entry) => entry.replays.map((made) => made.replayedBy)),
      [['alice', 'bob'], [], []],
    );
    assert.deepEqual(
      selectDeadLetters(letters, { reason: 'HANDLER_FAILED' }).map((entry) => entry.offset),
      ['5', '3'],
    );
    assert.deepEqual(
      selectDeadLetters(letters, { limit: 2 }).map((entry) => entry.offset),
      ['5', '4'],
    );
  });
});
