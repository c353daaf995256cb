import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditReport } from '@dtx/audit';
import { experienceOf, failuresOf, finalAfterLastFault, summarise, type OrderRecord } from './chaos-report.js';
import type { Placement } from './failover-placer.js';
import { planOrder } from './order-plan.js';

const fault = { name: 'kill', startedAt: 10_000, endedAt: 20_000 };
const cleanAudit: AuditReport = {
  startedAt: '',
  finishedAt: '',
  settled: true,
  orders: { total: 0, byMode: {} },
  deadLetters: [],
  violations: [],
};

function placed(index: number, firstSentAt: number, requests = 1): Placement {
  return { order: planOrder(index), idempotencyKey: `key-${index}`, firstSentAt, requests, orderId: `order-${index}` };
}

function record(index: number, createdAt: number, finalAt: number | null, reason: string | null = null): OrderRecord {
  const order = planOrder(index);
  const status = finalAt === null ? 'PENDING' : reason ? 'CANCELLED' : 'CONFIRMED';
  return { id: `order-${index}`, mode: order.mode, status, reason, createdAt, finalAt };
}

describe('chaos report', () => {
  it('plans 20% declined and 10% out of stock in every mode', () => {
    const plans = Array.from({ length: 300 }, (_, index) => planOrder(index));
    for (const mode of ['choreography', 'orchestration', '2pc']) {
      const ofMode = plans.filter((plan) => plan.mode === mode);
      assert.equal(ofMode.filter((plan) => plan.expected === 'PAYMENT_DECLINED').length, 20);
      assert.equal(ofMode.filter((plan) => plan.expected === 'OUT_OF_STOCK').length, 10);
    }
  });

  it('counts an order in flight during a fault when it was placed before the fault ended and final after it began', () => {
    const placements = [placed(9, 1_000), placed(12, 12_000), placed(15, 25_000), placed(18, 2_000)];
    const orders = new Map(
      [
        record(9, 1_000, 15_000, 'TIMEOUT'),
        record(12, 12_000, 30_000),
        record(15, 25_000, 26_000),
        record(18, 2_000, 3_000),
      ].map((order) => [order.id, order]),
    );
    const summary = summarise(placements, orders, [fault]).choreography;
    assert.equal(summary?.placed, 4);
    assert.equal(summary?.inFlightDuringFaults, 2);
    assert.equal(summary?.cancelledWithTimeout, 1);
    assert.equal(summary?.timeoutShare, 0.5);
    assert.deepEqual(summary?.unexpected, { 'CANCELLED TIMEOUT': 1 });
    assert.deepEqual(
      failuresOf({ ...baseReport(), modes: { choreography: summary } }, 60).filter((line) => line.includes('TIMEOUT')),
      ['choreography: 50.0% of in-flight orders cancelled with TIMEOUT'],
    );
  });

  it('measures the time to final after the last fault over the orders placed before it ended', () => {
    const orders = [record(3, 5_000, 50_000), record(6, 19_000, 27_500), record(9, 40_000, 90_000)];
    assert.equal(finalAfterLastFault(orders, [fault]), 30);
    assert.equal(finalAfterLastFault([record(3, 5_000, null)], [fault]), null);
    assert.equal(finalAfterLastFault(orders, []), null);
  });

  it('describes what the orders first sent during a fault went through', () => {
    const placements = [placed(9, 11_000, 4), placed(12, 15_000), placed(15, 21_000)];
    const orders = new Map([record(9, 13_000, 18_000), record(12, 15_000, 16_000)].map((order) => [order.id, order]));
    assert.deepEqual(experienceOf(fault, placements, orders).choreography, {
      placed: 2,
      retried: 1,
      maxSecondsToFinal: 7,
      unexpected: {},
    });
  });

  it('fails a run with a violation, an order not final, or a late drain', () => {
    assert.deepEqual(failuresOf(baseReport(), 60), []);
    const violation = { kind: 'outbox-backlog', subject: 'database', id: 'orders', detail: '1 row' } as const;
    assert.deepEqual(failuresOf({ ...baseReport(), audit: { ...cleanAudit, violations: [violation] } }, 60), [
      '1 audit violations',
    ]);
    assert.deepEqual(failuresOf({ ...baseReport(), finalAfterLastFaultSeconds: 61 }, 60), [
      'orders not final within 60 s of the last fault',
    ]);
  });
});

function baseReport() {
  return {
    startedAt: '',
    settings: {},
    modes: {},
    placementFailures: [],
    faults: [],
    finalAfterLastFaultSeconds: 5,
    audit: cleanAudit,
  };
}
