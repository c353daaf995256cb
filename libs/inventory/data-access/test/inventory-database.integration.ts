import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { transactionRunner } from '@dtx/sql';
import {
  createInventoryDatabaseClient,
  endReservation,
  lockStockRowsFirst,
  reserveAllOrNone,
  sellAllFromAvailable,
  setAvailableStock,
  type InventoryDatabaseClient,
} from '../src/index.js';
import { createMigratedTestDatabase, rowsLockedElsewhere, type TestDatabase } from '@dtx/testing';

describe('inventory database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: InventoryDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('inventory');
    pool = new pg.Pool({ connectionString: database.runtimeUrl });
    client = createInventoryDatabaseClient(pool);
  });
  after(async () => {
    await client.$disconnect();
    await pool.end();
    await database.drop();
  });

  it('writes stock and reads it back', async () => {
    await client.stockItem.create({ data: { sku: 'SKU-A', available: 10 } });
    await client.stockItem.update({
      where: { sku: 'SKU-A' },
      data: { available: { decrement: 3 }, reserved: { increment: 3 } },
    });
    const item = await client.stockItem.findUniqueOrThrow({ where: { sku: 'SKU-A' } });
    assert.deepEqual([item.available, item.reserved], [7, 3]);
  });

  it('never lets available stock go below zero', async () => {
    await client.stockItem.create({ data: { sku: 'SKU-B', available: 1 } });
    await assert.rejects(
      client.stockItem.update({ where: { sku: 'SKU-B' }, data: { available: { decrement: 2 } } }),
      /stock_items_available_check/,
    );
    const item = await client.stockItem.findUniqueOrThrow({ where: { sku: 'SKU-B' } });
    assert.equal(item.available, 1);
  });

  it('moves stocked by every change setAvailableStock makes to available, reserved units aside', async () => {
    assert.deepEqual(await setAvailableStock(client, 'SKU-C', 10), { sku: 'SKU-C', available: 10, reserved: 0 });
    await client.stockItem.update({
      where: { sku: 'SKU-C' },
      data: { available: { decrement: 4 }, reserved: { increment: 4 } },
    });
    assert.deepEqual(await setAvailableStock(client, 'SKU-C', 8), { sku: 'SKU-C', available: 8, reserved: 4 });
    await setAvailableStock(client, 'SKU-C', 3);
    const item = await client.stockItem.findUniqueOrThrow({ where: { sku: 'SKU-C' } });
    // 10 stocked, 4 reserved out of them, then available 6 -> 8 (+2) -> 3 (-5): 7 units ever on sale.
    assert.deepEqual([item.available, item.reserved, item.stocked], [3, 4, 7n]);
  });

  it('sells every line of a 2PC order or none: a short or unknown SKU records nothing', async () => {
    await client.stockItem.createMany({
      data: [
        { sku: 'SKU-D', available: 5 },
        { sku: 'SKU-E', available: 1 },
      ],
    });
    const transaction = transactionRunner(pool);
    const [sold, short, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    // Like a prepare voting NO, a sale that is not covered rolls back what it did take.
    const notCovered = new Error('not covered');
    const sell = async (orderId: string, lines: { sku: string; quantity: number }[]) => {
      let recorded = false;
      await transaction(async (tx) => {
        recorded = await sellAllFromAvailable(tx, orderId, lines);
        if (!recorded) {
          throw notCovered;
        }
      }).catch((error: unknown) => {
        if (error !== notCovered) {
          throw error;
        }
      });
      return recorded;
    };

    assert.equal(
      await sell(sold, [
        { sku: 'SKU-D', quantity: 2 },
        { sku: 'SKU-E', quantity: 1 },
      ]),
      true,
    );
    assert.equal(
      await sell(short, [
        { sku: 'SKU-D', quantity: 1 },
        { sku: 'SKU-E', quantity: 1 },
      ]),
      false,
    );
    assert.equal(
      await sell(unknown, [
        { sku: 'SKU-D', quantity: 1 },
        { sku: 'NO-SUCH-SKU', quantity: 1 },
      ]),
      false,
    );

    const items = await client.stockItem.findMany({
      where: { sku: { in: ['SKU-D', 'SKU-E'] } },
      orderBy: { sku: 'asc' },
    });
    assert.deepEqual(
      items.map((item) => [item.sku, item.available, item.reserved]),
      [
        ['SKU-D', 3, 0],
        ['SKU-E', 0, 0],
      ],
    );
    const reservations = await client.reservation.findMany({ where: { orderId: { in: [sold, short, unknown] } } });
    assert.deepEqual(
      reservations.map((reservation) => [reservation.orderId, reservation.status, reservation.items]),
      [
        [
          sold,
          'COMMITTED',
          [
            { sku: 'SKU-D', quantity: 2 },
            { sku: 'SKU-E', quantity: 1 },
          ],
        ],
      ],
    );
  });

  it('reserves every line of a saga order or none, and records the reservation either way, in one statement', async () => {
    await client.stockItem.createMany({
      data: [
        { sku: 'SKU-F', available: 5 },
        { sku: 'SKU-G', available: 1 },
      ],
    });
    const transaction = transactionRunner(pool);
    const [reserved, short, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    const reserve = (orderId: string, lines: { sku: string; quantity: number }[]) =>
      transaction((tx) => reserveAllOrNone(tx, orderId, lines));

    const lines = [
      { sku: 'SKU-F', quantity: 2 },
      { sku: 'SKU-G', quantity: 1 },
    ];
    assert.deepEqual(await reserve(reserved, lines), []);
    assert.deepEqual(
      await reserve(short, [
        { sku: 'SKU-F', quantity: 1 },
        { sku: 'SKU-G', quantity: 1 },
      ]),
      ['SKU-G'],
    );
    assert.deepEqual(
      await reserve(unknown, [
        { sku: 'NO-SUCH-SKU', quantity: 1 },
        { sku: 'SKU-F', quantity: 9 },
      ]),
      ['NO-SUCH-SKU', 'SKU-F'],
    );

    assert.deepEqual(await stockOf('SKU-F', 'SKU-G'), [
      ['SKU-F', 3, 2],
      ['SKU-G', 0, 1],
    ]);
    const reservations = await client.reservation.findMany({ where: { orderId: { in: [reserved, short, unknown] } } });
    assert.deepEqual(
      new Map(reservations.map((reservation) => [reservation.orderId, [reservation.status, reservation.items]])),
      new Map([
        [reserved, ['RESERVED', lines]],
        [short, ['REJECTED', []]],
        [unknown, ['REJECTED', []]],
      ]),
    );
  });

  it('ends a reservation once: committed units leave the warehouse, released ones go back on sale', async () => {
    await client.stockItem.createMany({
      data: [
        { sku: 'SKU-H', available: 10 },
        { sku: 'SKU-I', available: 10 },
      ],
    });
    const transaction = transactionRunner(pool);
    const [sold, cancelled] = [randomUUID(), randomUUID()];
    const lines = [
      { sku: 'SKU-H', quantity: 3 },
      { sku: 'SKU-I', quantity: 1 },
    ];
    await transaction((tx) => reserveAllOrNone(tx, sold, lines));
    await transaction((tx) => reserveAllOrNone(tx, cancelled, [{ sku: 'SKU-H', quantity: 2 }]));
    assert.deepEqual(await stockOf('SKU-H', 'SKU-I'), [
      ['SKU-H', 5, 5],
      ['SKU-I', 9, 1],
    ]);

    assert.deepEqual(await transaction((tx) => endReservation(tx, sold, 'COMMITTED')), lines);
    assert.deepEqual(await transaction((tx) => endReservation(tx, cancelled, 'RELEASED')), [
      { sku: 'SKU-H', quantity: 2 },
    ]);
    assert.equal(await transaction((tx) => endReservation(tx, sold, 'RELEASED')), undefined, 'already ended');
    assert.equal(await transaction((tx) => endReservation(tx, randomUUID(), 'COMMITTED')), undefined, 'none');

    assert.deepEqual(await stockOf('SKU-H', 'SKU-I'), [
      ['SKU-H', 7, 0],
      ['SKU-I', 9, 0],
    ]);
    const reservations = await client.reservation.findMany({ where: { orderId: { in: [sold, cancelled] } } });
    assert.deepEqual(
      new Map(reservations.map((reservation) => [reservation.orderId, reservation.status])),
      new Map([
        [sold, 'COMMITTED'],
        [cancelled, 'RELEASED'],
      ]),
    );
  });

  it('locks first, before a batch, the stock rows of its SKUs and of its orders still reserved, and only those', async () => {
    await client.stockItem.createMany({
      data: ['SKU-J', 'SKU-K', 'SKU-L', 'SKU-M', 'SKU-N'].map((sku) => ({ sku, available: 10 })),
    });
    const transaction = transactionRunner(pool);
    const [reserved, committed] = [randomUUID(), randomUUID()];
    await transaction((tx) => reserveAllOrNone(tx, reserved, [{ sku: 'SKU-K', quantity: 1 }]));
    await transaction((tx) => reserveAllOrNone(tx, committed, [{ sku: 'SKU-L', quantity: 1 }]));
    await transaction((tx) => endReservation(tx, committed, 'COMMITTED'));

    const locked = await transaction(async (tx) => {
      await lockStockRowsFirst(tx, ['SKU-J'], [reserved, committed, randomUUID()]);
      // Travels (deferred) with the statement after it, as it does before a batch's first handler.
      await tx.query('SELECT 1');
      return rowsLockedElsewhere(pool, 'stock_items', 'sku', ['SKU-J', 'SKU-K', 'SKU-L', 'SKU-M']);
    });
    assert.deepEqual(locked, ['SKU-J', 'SKU-K'], "its SKU and its reserved order's, not an ended reservation's");
  });

  async function stockOf(...skus: string[]) {
    const items = await client.stockItem.findMany({ where: { sku: { in: skus } }, orderBy: { sku: 'asc' } });
    return items.map((item) => [item.sku, item.available, item.reserved]);
  }
});
