import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrderRecord } from './load-run.js';
import { countBy, summarizeStep } from './step-summary.js';

const criteria = { passP99Ms: 1000, minCompletedShare: 0.95, graceMs: 2000 };

function order(index: number, latencyMs: number | null, changes: Partial<OrderRecord> = {}): OrderRecord {
  const scheduledAt = 1_000_000 + index * 100;
  return {
    index,
    scheduledAt,
    sendLagMs: 1,
    answeredAt: scheduledAt + 5,
    httpStatus: 202,
    orderId: `order-${index}`,
    error: null,
    finalStatus: latencyMs === null ? null : 'CONFIRMED',
    reason: null,
    finalAt: latencyMs === null ? null : scheduledAt + latencyMs,
    expectDecline: false,
    ...changes,
  };
}

describe('summarizeStep', () => {
  const step = { label: 'test', offeredRate: 10, seconds: 1, endedAt: 1_001_000 };

  it('passes a step where every order is final quickly and without errors', () => {
    const records = Array.from({ length: 10 }, (_, index) => order(index, 20 + index));
    const result = summarizeStep(records, step, criteria);
    assert.equal(result.passed, true, result.failedBecause.join('; '));
    assert.equal(result.confirmed, 10);
    assert.equal(result.completedRate, 10);
    assert.equal(result.latencyMs.p99, 29);
    assert.equal(result.drainMs, 0);
  });

  it('fails on errors, orders never final, a slow p99 and a low completed rate, saying why', () => {
    const records = [
      ...Array.from({ length: 7 }, (_, index) => order(index, 1500)),
      order(7, null),
      order(8, null, { error: 'HTTP 501 NOT_IMPLEMENTED', orderId: null }),
      order(9, 30, { finalStatus: 'CANCELLED', reason: 'PAYMENT_DECLINED' }),
    ];
    const result = summarizeStep(records, step, criteria);
    assert.equal(result.passed, false);
    assert.deepEqual(result.errorKinds, { 'HTTP 501 NOT_IMPLEMENTED': 1 });
    assert.deepEqual(result.cancelReasons, { PAYMENT_DECLINED: 1 });
    assert.equal(result.unfinished, 1);
    assert.equal(result.drainMs, null);
    assert.equal(result.failedBecause.length, 4, result.failedBecause.join('; '));
  });

  it('counts values most frequent first', () => {
    assert.deepEqual(Object.entries(countBy(['a', 'b', 'b'])), [
      ['b', 2],
      ['a', 1],
    ]);
  });
});
