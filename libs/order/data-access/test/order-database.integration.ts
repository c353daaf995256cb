import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PgExecutor } from '@dtx/sql';
import { createOrderDatabaseClient, listOrders, placeOrderOnce, type OrderDatabaseClient } from '../src/index.js';
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

  it('pages orders newest first with a keyset cursor: ties in the same millisecond neither lost nor repeated', async () => {
    const customerId = `pager-${randomUUID()}`;
    const sameMillisecond = new Date('2026-12-01T12:00:00.000Z');
    const placed: { id: string; createdAt: Date; mode: string; reason: string | null }[] = [];
    for (let index = 0; index < 7; index++) {
      placed.push({
        id: randomUUID(),
        // Three orders share one millisecond; the others are a second apart.
        createdAt: index < 3 ? sameMillisecond : new Date(sameMillisecond.getTime() + index * 1_000),
        mode: index % 2 === 0 ? 'choreography' : '2pc',
        reason: index % 3 === 0 ? 'OUT_OF_STOCK' : null,
      });
    }
    for (const order of placed) {
      await client.order.create({
        data: {
          id: order.id,
          customerId,
          status: order.reason ? 'CANCELLED' : 'CONFIRMED',
          reason: order.reason,
          mode: order.mode,
          totalAmount: 100n,
          createdAt: order.createdAt,
          items: { create: [{ lineNo: 1, sku: 'SKU-A', quantity: 1, unitPrice: 100n }] },
        },
      });
    }
    const newestFirst = [...placed]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((order) => order.id);

    const seen: string[] = [];
    let after: { createdAt: Date; orderId: string } | undefined;
    for (let pages = 1; ; pages++) {
      const page = await listOrders(client, { customerId, limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.items.map((order) => order.orderId));
      if (!page.last) {
        assert.equal(pages, 4, '7 orders in pages of 2');
        break;
      }
      after = { createdAt: new Date(page.last.createdAt), orderId: page.last.orderId };
    }
    assert.deepEqual(seen, newestFirst);

    const exactlyFull = await listOrders(client, { customerId, limit: 7 });
    assert.equal(exactlyFull.items.length, 7);
    assert.equal(exactlyFull.last, undefined, 'a page that holds the rest has no next page');

    const filtered = await listOrders(client, { customerId, mode: 'choreography', reason: 'OUT_OF_STOCK', limit: 50 });
    assert.deepEqual(
      filtered.items.map((order) => order.orderId),
      newestFirst.filter((id) =>
        placed.some((order) => order.id === id && order.mode === 'choreography' && order.reason),
      ),
    );
    assert.ok(filtered.items.length > 0);
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
