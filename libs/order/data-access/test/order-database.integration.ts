import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PgExecutor } from '@dtx/sql';
import { createOrderDatabaseClient, placeOrderOnce, type OrderDatabaseClient } from '../src/index.js';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';

describe('order database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: OrderDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('order');
    pool = new pg.Pool({ connectionString: database.runtimeUrl });
    client = createOrderDatabaseClient(pool);
  });
  after(async () => {
    await client.$disconnect();
    await pool.end();
    await database.drop();
  });

  it('writes an order with its items and reads them back', async () => {
    const id = randomUUID();
    await client.order.create({
      data: {
        id,
        customerId: 'customer-1',
        status: 'PENDING',
        mode: 'orchestration',
        totalAmount: 2_500n,
        items: {
          create: [
            { lineNo: 1, sku: 'SKU-A', quantity: 2, unitPrice: 1_000n },
            { lineNo: 2, sku: 'SKU-B', quantity: 1, unitPrice: 500n },
          ],
        },
      },
    });

    const order = await client.order.findUniqueOrThrow({ where: { id }, include: { items: true } });
    assert.equal(order.totalAmount, 2_500n);
    assert.equal(order.reason, null);
    assert.deepEqual(
      order.items.map((item) => [item.sku, item.quantity, item.unitPrice]),
      [
        ['SKU-A', 2, 1_000n],
        ['SKU-B', 1, 500n],
      ],
    );
    const updated = await client.order.update({ where: { id }, data: { status: 'CANCELLED', reason: 'OUT_OF_STOCK' } });
    assert.ok(updated.updatedAt >= order.updatedAt);
  });

  it('rejects a quantity outside 1..1000 in the database itself', async () => {
    await assert.rejects(
      client.order.create({
        data: {
          id: randomUUID(),
          customerId: 'customer-1',
          status: 'PENDING',
          mode: 'choreography',
          totalAmount: 0n,
          items: { create: [{ lineNo: 1, sku: 'SKU-A', quantity: 0, unitPrice: 0n }] },
        },
      }),
      /order_items_quantity_check/,
    );
  });

  it('places an order once per idempotency key: a second request gets the first answer and writes nothing', async () => {
    const database = new PgExecutor(pool);
    const [first, second] = [randomUUID(), randomUUID()];
    const order = (orderId: string) => ({
      orderId,
      customerId: 'customer-2',
      mode: '2pc' as const,
      items: [{ sku: 'SKU-A', quantity: 2, unitPrice: 1_000 }],
      total: 2_000,
      traceId: 'trace-1',
    });
    const answer = { requestHash: 'hash-1', status: 202, body: { orderId: first, status: 'PENDING' } };

    assert.equal(await placeOrderOnce(database, 'key-1', answer, order(first)), undefined);
    assert.deepEqual(
      await placeOrderOnce(database, 'key-1', { ...answer, requestHash: 'hash-2' }, order(second)),
      answer,
    );

    const placed = await client.order.findMany({ where: { id: { in: [first, second] } }, include: { items: true } });
    assert.deepEqual(
      placed.map((row) => [row.id, row.status, row.mode, row.totalAmount, row.items.map((item) => item.sku)]),
      [[first, 'PENDING', '2pc', 2_000n, ['SKU-A']]],
    );
  });
});
