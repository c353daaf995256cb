import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createInventoryDatabaseClient, type InventoryDatabaseClient } from '../src/index.js';
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
});
