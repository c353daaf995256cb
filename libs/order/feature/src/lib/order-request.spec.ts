import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderTotal, placeOrderSchema, priceLines, requestFingerprint } from './order-request.js';

describe('placeOrderSchema', () => {
  const valid = { customerId: 'c-1', items: [{ sku: 'A', quantity: 2, unitPrice: 150 }] };

  it('defaults the mode to orchestration', () => {
    assert.equal(placeOrderSchema.parse(valid).mode, 'orchestration');
  });

  it('rejects unknown fields, also inside items', () => {
    assert.equal(placeOrderSchema.safeParse({ ...valid, coupon: 'X' }).success, false);
    assert.equal(
      placeOrderSchema.safeParse({ ...valid, items: [{ ...valid.items[0], colour: 'red' }] }).success,
      false,
    );
  });

  it('rejects fractional money and out-of-range quantities', () => {
    assert.equal(
      placeOrderSchema.safeParse({ ...valid, items: [{ sku: 'A', quantity: 1, unitPrice: 1.5 }] }).success,
      false,
    );
    assert.equal(
      placeOrderSchema.safeParse({ ...valid, items: [{ sku: 'A', quantity: 1001, unitPrice: 1 }] }).success,
      false,
    );
    assert.equal(placeOrderSchema.safeParse({ ...valid, items: [] }).success, false);
  });
});

describe('orderTotal', () => {
  it('sums quantity times unit price in integer minor units', () => {
    assert.equal(
      orderTotal([
        { sku: 'A', quantity: 3, unitPrice: 199 },
        { sku: 'B', quantity: 1, unitPrice: 1 },
      ]),
      598,
    );
  });

  it('refuses a total a JSON number cannot hold exactly', () => {
    assert.equal(orderTotal([{ sku: 'A', quantity: 1000, unitPrice: Number.MAX_SAFE_INTEGER }]), undefined);
  });
});

describe('requestFingerprint', () => {
  it('is the same for the same request and differs for another', () => {
    const request = placeOrderSchema.parse({ customerId: 'c-1', items: [{ sku: 'A', quantity: 1, unitPrice: 5 }] });
    const reordered = placeOrderSchema.parse({ items: [{ unitPrice: 5, quantity: 1, sku: 'A' }], customerId: 'c-1' });
    const other = placeOrderSchema.parse({ customerId: 'c-1', items: [{ sku: 'A', quantity: 2, unitPrice: 5 }] });
    assert.equal(requestFingerprint('c-1', request), requestFingerprint('c-1', reordered));
    assert.notEqual(requestFingerprint('c-1', request), requestFingerprint('c-1', other));
    assert.notEqual(requestFingerprint('c-1', request), requestFingerprint('c-2', request));
  });

  it('tells a price left out from a price given', () => {
    const priced = placeOrderSchema.parse({ items: [{ sku: 'A', quantity: 1, unitPrice: 5 }] });
    const unpriced = placeOrderSchema.parse({ items: [{ sku: 'A', quantity: 1 }] });
    assert.notEqual(requestFingerprint('c-1', priced), requestFingerprint('c-1', unpriced));
  });
});

describe('priceLines', () => {
  const catalog = new Map([
    ['A', 150],
    ['B', 20],
  ]);

  it("prices every line from the catalog, whether or not the client gave the catalog's price", () => {
    assert.deepEqual(
      priceLines(
        [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 1, unitPrice: 20 },
        ],
        catalog,
      ),
      {
        kind: 'priced',
        lines: [
          { sku: 'A', quantity: 2, unitPrice: 150 },
          { sku: 'B', quantity: 1, unitPrice: 20 },
        ],
      },
    );
  });

  it('names the lines whose client price is not the catalog price', () => {
    assert.deepEqual(priceLines([{ sku: 'A', quantity: 1, unitPrice: 1 }], catalog), {
      kind: 'price-changed',
      changed: [{ index: 0, sku: 'A', requested: 1, current: 150 }],
    });
  });

  it('names the SKUs with no price, once each', () => {
    assert.deepEqual(
      priceLines(
        [
          { sku: 'Z', quantity: 1 },
          { sku: 'Z', quantity: 2 },
          { sku: 'A', quantity: 1 },
        ],
        catalog,
      ),
      { kind: 'unknown-skus', skus: ['Z'] },
    );
  });
});
