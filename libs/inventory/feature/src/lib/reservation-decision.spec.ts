import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideReservation, demandPerSku } from './reservation-decision.js';

describe('demandPerSku', () => {
  it('adds up lines of the same SKU and sorts SKUs', () => {
    const demand = demandPerSku([
      { sku: 'B', quantity: 1 },
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 3 },
    ]);
    assert.deepEqual(
      [...demand],
      [
        ['A', 2],
        ['B', 4],
      ],
    );
  });
});

describe('decideReservation', () => {
  const demand = demandPerSku([
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 4 },
  ]);

  it('reserves every line when all are in stock', () => {
    assert.deepEqual(
      decideReservation(
        demand,
        new Map([
          ['A', 2],
          ['B', 10],
        ]),
      ),
      {
        kind: 'reserve',
        lines: [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 4 },
        ],
      },
    );
  });

  it('reserves nothing when one line is short', () => {
    assert.deepEqual(
      decideReservation(
        demand,
        new Map([
          ['A', 2],
          ['B', 3],
        ]),
      ),
      { kind: 'reject', unavailableSkus: ['B'] },
    );
  });

  it('treats an unknown SKU as out of stock', () => {
    assert.deepEqual(decideReservation(demand, new Map([['B', 9]])), { kind: 'reject', unavailableSkus: ['A'] });
  });
});
