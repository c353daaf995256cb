import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import type { Violation } from './audit-report.js';
import { accountForDeadLetters, readDeadLetter, type ReadDeadLetter } from './dead-letters.js';
import type { AuditedOrder } from './orders.js';

const order = (id: string, status = 'CONFIRMED'): AuditedOrder => ({
  id,
  mode: 'choreography',
  status,
  reason: null,
  customerId: 'alice',
  total: 100,
  skus: ['BOOK'],
});
const letter = (orderId: string | null, reason = 'HANDLER_FAILED'): ReadDeadLetter => ({
  topic: 'inventory.dead-letters',
  partition: 1,
  offset: '7',
  reason,
  originalTopic: 'orders.created',
  type: 'OrderConfirmed',
  orderId,
});
const orders = new Map([
  ['fine', order('fine')],
  ['pending', order('pending', 'PENDING')],
]);
const accounted = (letters: ReadDeadLetter[], violations: Violation[] = []) =>
  accountForDeadLetters(letters, orders, violations).deadLetters.map((entry) => entry.accountedFor);

describe('accountForDeadLetters', () => {
  it('accounts for a dead letter whose order is final and passes every other check', () => {
    assert.deepEqual(accounted([letter('fine')]), [true]);
  });

  it('does not when the order is not final, or fails a check of its own, its SKU or its account', () => {
    assert.deepEqual(accounted([letter('pending')]), [false]);
    for (const violation of [
      { kind: 'reservation-held-for-final-order', subject: 'order', id: 'fine', detail: '' },
      { kind: 'stock-not-conserved', subject: 'sku', id: 'BOOK', detail: '' },
      { kind: 'money-not-conserved', subject: 'account', id: 'alice', detail: '' },
    ] as const) {
      assert.deepEqual(accounted([letter('fine')], [violation]), [false], violation.kind);
    }
  });

  it('accounts for unparseable input naming no known order, and for nothing else naming none', () => {
    assert.deepEqual(accounted([letter(null, 'INVALID_JSON'), letter('nobody', 'INVALID_PAYLOAD')]), [true, true]);
    const { violations } = accountForDeadLetters([letter('nobody'), letter(null, 'HEADER_MISMATCH')], orders, []);
    assert.deepEqual(
      violations.map((violation) => [violation.kind, violation.id]),
      [
        ['unaccounted-dead-letter', 'nobody'],
        ['unaccounted-dead-letter', 'inventory.dead-letters/1@7'],
      ],
    );
  });
});

describe('readDeadLetter', () => {
  const message = (value: string, key: string | null): KafkaMessage =>
    ({
      key: key === null ? null : Buffer.from(key),
      value: Buffer.from(value),
      offset: '3',
      timestamp: '0',
      attributes: 0,
      headers: {
        'dead-letter-reason': Buffer.from('INVALID_PAYLOAD'),
        'original-topic': Buffer.from('orders.created'),
      },
    }) as KafkaMessage;

  it('names the order of the payload first, then the aggregate, then the key', () => {
    const named = (value: object, key: string | null) =>
      readDeadLetter('order.dead-letters', 0, message(JSON.stringify(value), key)).orderId;
    assert.equal(named({ type: 'StockReserved', aggregateId: 'a', payload: { orderId: 'p' } }, 'k'), 'p');
    assert.equal(named({ aggregateId: 'a', payload: {} }, 'k'), 'a');
    assert.equal(named({}, 'k'), 'k');
    assert.equal(named({}, null), null);
  });

  it('reads the reason and the original topic from the headers, and survives a value that is not JSON', () => {
    assert.deepEqual(readDeadLetter('order.dead-letters', 2, message('{oops', 'k')), {
      topic: 'order.dead-letters',
      partition: 2,
      offset: '3',
      reason: 'INVALID_PAYLOAD',
      originalTopic: 'orders.created',
      type: null,
      orderId: 'k',
    });
  });
});
