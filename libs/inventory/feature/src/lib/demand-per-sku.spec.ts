import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demandPerSku } from './demand-per-sku.js';

describe('demandPerSku', () => {
  it('adds up lines of the same SKU and sorts SKUs', () => {
    const demand = demandPerSku([
      { sku: 'B', quantity: 1 },
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 3 },
    ]);
    assert.deepEqual(demand, [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 4 },
    ]);
  });
});
