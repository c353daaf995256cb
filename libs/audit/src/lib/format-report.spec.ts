import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditReport } from './audit-report.js';
import { formatAuditReport } from './format-report.js';

const report = (overrides: Partial<AuditReport>): AuditReport => ({
  startedAt: '2026-11-27T10:00:00.000Z',
  finishedAt: '2026-11-27T10:00:01.000Z',
  settled: true,
  orders: { total: 0, byMode: {} },
  deadLetters: [],
  violations: [],
  ...overrides,
});

describe('formatAuditReport', () => {
  it('prints a line per violation, then the summary', () => {
    const text = formatAuditReport(
      report({
        settled: false,
        orders: { total: 3, byMode: { orchestration: { CONFIRMED: 1 }, choreography: { PENDING: 1, CANCELLED: 1 } } },
        violations: [
          { kind: 'order-not-final', subject: 'order', id: 'o-1', detail: 'choreography order is PENDING' },
          {
            kind: 'stock-not-conserved',
            subject: 'sku',
            id: 'BOOK',
            detail: 'available 1 + reserved 0 + sold 0 != stocked 2',
          },
        ],
      }),
    );
    assert.equal(
      text,
      [
        'order-not-final order o-1: choreography order is PENDING',
        'stock-not-conserved sku BOOK: available 1 + reserved 0 + sold 0 != stocked 2',
        'audit: 3 orders (choreography: 1 CANCELLED, 1 PENDING; orchestration: 1 CONFIRMED), 0 dead letters (0 accounted for), 2 violations',
      ].join('\n'),
    );
  });

  it('prints only the summary when nothing is wrong', () => {
    const deadLetter = {
      topic: 'payment.dead-letters',
      partition: 0,
      offset: '4',
      reason: 'INVALID_JSON',
      originalTopic: 'orders.created',
      type: null,
      orderId: null,
      accounting: 'unparseable input naming no known order',
      accountedFor: true,
    };
    assert.equal(
      formatAuditReport(report({ deadLetters: [deadLetter] })),
      'audit: 0 orders, 1 dead letters (1 accounted for), 0 violations',
    );
  });
});
