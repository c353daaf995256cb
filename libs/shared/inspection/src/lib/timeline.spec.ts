import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { causalTimeline, formatEntry, type ObservedMessage } from './timeline.js';

let offset = 0;
const message = (
  id: string,
  type: string,
  causationId: string | null,
  lamport: number,
  extra: Partial<ObservedMessage> = {},
): ObservedMessage => ({
  id,
  type,
  source: 'svc',
  topic: 't',
  partition: 0,
  offset: String(offset++),
  causationId,
  correlationId: 'order-1',
  lamport,
  payload: {},
  ...extra,
});

describe('causalTimeline', () => {
  it('puts every message after its cause, whatever order and Lamport time they were read in', () => {
    const timeline = causalTimeline([
      message('c', 'PaymentAuthorized', 'b', 9),
      message('a', 'OrderCreated', null, 1),
      message('b', 'StockReserved', 'a', 4),
      message('d', 'OrderConfirmed', 'c', 12),
    ]);
    assert.deepEqual(
      timeline.map((entry) => [entry.message.type, entry.depth]),
      [
        ['OrderCreated', 0],
        ['StockReserved', 1],
        ['PaymentAuthorized', 2],
        ['OrderConfirmed', 3],
      ],
    );
  });

  it('orders siblings by Lamport time and flags a redelivered copy', () => {
    const timeline = causalTimeline([
      message('a', 'OrderConfirmed', null, 5),
      message('c', 'PaymentCaptured', 'a', 8),
      message('b', 'StockCommitted', 'a', 7),
      message('b', 'StockCommitted', 'a', 7),
    ]);
    assert.deepEqual(
      timeline.map((entry) => [entry.message.type, entry.copy]),
      [
        ['OrderConfirmed', 1],
        ['StockCommitted', 1],
        ['StockCommitted', 2],
        ['PaymentCaptured', 1],
      ],
    );
    const copy = timeline[2];
    assert.ok(copy);
    assert.match(formatEntry(copy), /REDELIVERED \(copy 2\)/);
  });

  it('shows a dead letter under its cause, flagged with the reason', () => {
    const timeline = causalTimeline([
      message('a', 'OrderCreated', null, 1),
      message('b', 'StockReserved', 'a', 3, {
        deadLetter: { reason: 'HANDLER_FAILED', error: 'boom', consumerGroup: 'payment' },
      }),
    ]);
    const deadLetter = timeline[1];
    assert.ok(deadLetter);
    assert.equal(deadLetter.depth, 1);
    assert.match(formatEntry(deadLetter), /DEAD-LETTERED by payment: HANDLER_FAILED boom/);
  });
});
