import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderCountsFromMetrics } from './order-counts.js';

describe('orderCountsFromMetrics', () => {
  it('adds up the orders gauge by status, mode and reason, ignoring every other series', () => {
    const counts = orderCountsFromMetrics(
      [
        '# HELP orders Orders by saga mode, status and cancellation reason',
        '# TYPE orders gauge',
        'orders{mode="choreography",status="CONFIRMED",reason="",service="order",version="0.1.0"} 3',
        'orders{mode="2pc",status="CANCELLED",reason="OUT_OF_STOCK",service="order",version="0.1.0"} 2',
        'orders{mode="orchestration",status="CANCELLED",reason="OUT_OF_STOCK",service="order",version="0.1.0"} 1',
        'orders{mode="orchestration",status="PENDING",reason="",service="order",version="0.1.0"} 4',
        'orders_total_something{status="CONFIRMED"} 99',
        'process_cpu_seconds_total 12',
      ].join('\n'),
    );
    assert.equal(counts.total, 10);
    assert.deepEqual(counts.byStatus, { PENDING: 4, CONFIRMED: 3, CANCELLED: 3 });
    assert.deepEqual(counts.byMode['orchestration'], { PENDING: 4, CONFIRMED: 0, CANCELLED: 1 });
    assert.deepEqual(counts.byReason, { OUT_OF_STOCK: 3 });
  });

  it('is all zeroes for a scrape without the gauge', () => {
    assert.deepEqual(orderCountsFromMetrics('').byStatus, { PENDING: 0, CONFIRMED: 0, CANCELLED: 0 });
  });
});
