import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeOrderCursor, listOrdersQuerySchema } from './rest-api.js';

const orderId = '0b6f3c2a-6f0e-4c1e-9d2a-3e4f5a6b7c8d';

describe('GET /orders cursor', () => {
  it('gives back the order a page ended at', () => {
    const cursor = encodeOrderCursor({ createdAt: '2026-12-05T10:00:00.123Z', orderId });
    const query = listOrdersQuerySchema.parse({ cursor });
    assert.deepEqual(query.cursor, { createdAt: new Date('2026-12-05T10:00:00.123Z'), orderId });
  });

  for (const [name, cursor] of [
    ['not base64url', 'a+b/c'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['missing the id', Buffer.from(JSON.stringify({ createdAt: '2026-12-05T10:00:00Z' })).toString('base64url')],
    ['an id that is not a UUID', encodeOrderCursor({ createdAt: '2026-12-05T10:00:00Z', orderId: 'x' })],
    ['a time that is not a time', encodeOrderCursor({ createdAt: 'yesterday', orderId })],
  ]) {
    it(`refuses a cursor ${name}, naming the parameter`, () => {
      const parsed = listOrdersQuerySchema.safeParse({ cursor });
      assert.equal(parsed.success, false);
      assert.deepEqual(
        parsed.error?.issues.map((issue) => issue.path.join('.')),
        ['cursor'],
      );
    });
  }

  it('takes the mode and reason filters and refuses an unknown mode', () => {
    assert.deepEqual(listOrdersQuerySchema.parse({ mode: '2pc', reason: 'OUT_OF_STOCK' }), {
      mode: '2pc',
      reason: 'OUT_OF_STOCK',
      limit: 50,
    });
    assert.equal(listOrdersQuerySchema.safeParse({ mode: 'telepathy' }).success, false);
  });

  it('refuses a NUL in the customer and reason filters, which PostgreSQL cannot compare', () => {
    assert.equal(listOrdersQuerySchema.safeParse({ customerId: 'a\u0000' }).success, false);
    assert.equal(listOrdersQuerySchema.safeParse({ reason: 'OUT\u0000' }).success, false);
  });
});
