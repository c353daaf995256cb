import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createInventoryDatabaseClient, setAvailableStock, type InventoryDatabaseClient } from '../src/index.js';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';

describe('inventory database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: InventoryDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('inventory');
    pool = new pg.Pool({ connectionString: database.url });
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
});
