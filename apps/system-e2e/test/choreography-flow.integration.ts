import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ApiErrorBody, PlaceOrderRequest } from '@dtx/contracts';
import type { ShopClient } from '@dtx/shop-client';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { eventually, shopClientOf } from './support/shop-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('orders by choreography: order, inventory and payment as processes on PostgreSQL and Kafka', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment']);
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  it('confirms an order: stock sold, money captured', async () => {
    const [sku, customer] = [unique('sku'), unique('alice')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 1_250);
    await shop.setBalance(customer, 10_000);

    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'choreography',
      items: [{ sku, quantity: 2, unitPrice: 1_250 }],
    });
    assert.equal(placed.status, 202);
    assert.equal(placed.body.status, 'PENDING');
    assert.equal(placed.body.mode, 'choreography');
    assert.match(placed.body.traceId, /^[0-9a-f]{32}$/);

    const order = await shop.finalOrder(placed.body.orderId);
    assert.equal(order.status, 'CONFIRMED');
    assert.equal(order.reason, undefined);
    assert.equal(order.total, 2_500);
    assert.equal(order.traceId, placed.body.traceId);
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 3 && stock.reserved === 0,
    );
    await eventually(
      () => shop.getAccount(customer),
      (account) => account.balance === 7_500 && account.reserved === 0,
    );
    assert.deepEqual(
      (await shop.paymentsOfOrder(order.orderId)).map((payment) => [payment.amount, payment.status]),
      [[2_500, 'CAPTURED']],
    );
  });

  it('cancels an order that cannot be stocked, reserving nothing (all or nothing) and charging nothing', async () => {
    const [plenty, scarce, customer] = [unique('sku'), unique('sku'), unique('bob')];
    await shop.setStock(plenty, 10);
    await shop.setStock(scarce, 1);
    await shop.setPrice(plenty, 100);
    await shop.setPrice(scarce, 100);
    await shop.setBalance(customer, 10_000);

    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'choreography',
      items: [
        { sku: plenty, quantity: 3, unitPrice: 100 },
        { sku: scarce, quantity: 2, unitPrice: 100 },
      ],
    });
    const order = await shop.finalOrder(placed.body.orderId);

    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.reason, 'OUT_OF_STOCK');
    assert.deepEqual(await shop.getStock(plenty), { sku: plenty, available: 10, reserved: 0 });
    assert.deepEqual(await shop.getStock(scarce), { sku: scarce, available: 1, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 10_000, reserved: 0 });
    assert.deepEqual(await shop.paymentsOfOrder(order.orderId), []);
  });

  it('cancels an order the balance cannot cover, and gives the reserved stock back', async () => {
    const [sku, customer] = [unique('sku'), unique('carol')];
    await shop.setStock(sku, 4);
    await shop.setPrice(sku, 1_000);
    await shop.setBalance(customer, 999);

    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'choreography',
      items: [{ sku, quantity: 1, unitPrice: 1_000 }],
    });
    const order = await shop.finalOrder(placed.body.orderId);

    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.reason, 'PAYMENT_DECLINED');
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 4 && stock.reserved === 0,
    );
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 999, reserved: 0 });
    assert.deepEqual(
      (await shop.paymentsOfOrder(order.orderId)).map((payment) => [payment.amount, payment.status]),
      [[1_000, 'DECLINED']],
    );
  });

  it('finds an order right after POST (read-your-writes)', async () => {
    const [sku, customer] = [unique('sku'), unique('dave')];
    await shop.setPrice(sku, 1);
    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'choreography',
      items: [{ sku, quantity: 1, unitPrice: 1 }],
    });
    const order = await shop.getOrder(placed.body.orderId);
    assert.equal(order.orderId, placed.body.orderId);
    assert.equal(order.customerId, customer);
  });

  it('replays the first answer for a repeated Idempotency-Key, and refuses the key with another body', async () => {
    const [sku, customer] = [unique('sku'), unique('erin')];
    const body: PlaceOrderRequest = {
      customerId: customer,
      mode: 'choreography',
      items: [{ sku, quantity: 1, unitPrice: 10 }],
    };
    const key = unique('key');
    await shop.setPrice(sku, 10);
    const asCustomer = shop.asCustomer(customer);

    const first = await shop.placeOrder(body, { idempotencyKey: key });
    const replays = await Promise.all([1, 2, 3].map(() => shop.placeOrder(body, { idempotencyKey: key })));
    const reordered = await asCustomer.request('order', 'POST', '/orders', {
      rawBody: `{"items":[{"unitPrice":10,"quantity":1,"sku":"${sku}"}],"mode":"choreography","customerId":"${customer}"}`,
      headers: { 'Idempotency-Key': key },
    });
    const otherBody = await asCustomer.request('order', 'POST', '/orders', {
      json: { ...body, items: [{ sku, quantity: 2, unitPrice: 10 }] },
      headers: { 'Idempotency-Key': key },
    });

    for (const replay of [...replays, reordered]) {
      assert.equal(replay.status, 202);
      assert.deepEqual(replay.body, first.body);
    }
    assert.equal(otherBody.status, 422);
    assert.equal((otherBody.body as ApiErrorBody).error, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await shop.listOrders({ customerId: customer, limit: 200 })).items.length, 1);
  });

  it('50 concurrent orders for the last 10 units: exactly 10 confirmed, stock 0, the rest OUT_OF_STOCK', async () => {
    const sku = unique('hot');
    await shop.setStock(sku, 10);
    await shop.setPrice(sku, 500);
    const customers = Array.from({ length: 50 }, (_, index) => unique(`racer${index}`));
    await Promise.all(customers.map((customer) => shop.setBalance(customer, 1_000)));

    const placed = await Promise.all(
      customers.map((customerId) =>
        shop.placeOrder({ customerId, mode: 'choreography', items: [{ sku, quantity: 1, unitPrice: 500 }] }),
      ),
    );
    const orders = await Promise.all(placed.map((answer) => shop.finalOrder(answer.body.orderId)));

    const confirmed = orders.filter((order) => order.status === 'CONFIRMED');
    const cancelled = orders.filter((order) => order.status === 'CANCELLED');
    assert.equal(confirmed.length, 10);
    assert.equal(cancelled.length, 40);
    assert.ok(cancelled.every((order) => order.reason === 'OUT_OF_STOCK'));
    // GET /orders pages through all of them with its cursor; the reason filter finds the cancelled ones.
    const listed: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await shop.listOrders({ mode: 'choreography', limit: 20, ...(cursor ? { cursor } : {}) });
      listed.push(...page.items.map((order) => order.orderId));
      cursor = page.nextCursor;
    } while (cursor);
    assert.ok(orders.every((order) => listed.includes(order.orderId)));
    assert.equal(new Set(listed).size, listed.length, 'no order on two pages');
    const [firstCustomer] = customers;
    const outOfStock = await shop.listOrders({ customerId: firstCustomer, reason: 'OUT_OF_STOCK' });
    assert.deepEqual(
      outOfStock.items.map((order) => order.orderId),
      cancelled.filter((order) => order.customerId === firstCustomer).map((order) => order.orderId),
    );
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 0 && stock.reserved === 0,
    );
    // Payment captures after OrderConfirmed, alongside the stock commit: wait for the last capture too.
    const total = async () =>
      (await Promise.all(customers.map((customer) => shop.getAccount(customer)))).reduce(
        (sum, account) => sum + account.balance,
        0,
      );
    assert.equal(
      await eventually(total, (sum) => sum === 50 * 1_000 - 10 * 500).catch(() => total()),
      50 * 1_000 - 10 * 500,
      'money is conserved',
    );
  });

  it('never overdraws a balance under concurrent orders of one customer', async () => {
    const [sku, customer] = [unique('sku'), unique('frank')];
    await shop.setStock(sku, 100);
    await shop.setPrice(sku, 300);
    await shop.setBalance(customer, 5 * 300);

    const placed = await Promise.all(
      Array.from({ length: 12 }, () =>
        shop.placeOrder({ customerId: customer, mode: 'choreography', items: [{ sku, quantity: 1, unitPrice: 300 }] }),
      ),
    );
    const orders = await Promise.all(placed.map((answer) => shop.finalOrder(answer.body.orderId)));

    assert.equal(orders.filter((order) => order.status === 'CONFIRMED').length, 5);
    assert.ok(
      orders.filter((order) => order.status === 'CANCELLED').every((order) => order.reason === 'PAYMENT_DECLINED'),
    );
    await eventually(
      () => shop.getAccount(customer),
      (account) => account.balance === 0 && account.reserved === 0,
    );
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 95 && stock.reserved === 0,
    );
  });

  it('answers every malformed request with a 4xx naming the field, and changes nothing', async () => {
    const [sku, customer] = [unique('sku'), unique('mallory')];
    await shop.setStock(sku, 7);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 700);
    const line = { sku, quantity: 1, unitPrice: 100 };
    const order = (overrides: Record<string, unknown>) => ({
      customerId: customer,
      mode: 'choreography',
      items: [line],
      ...overrides,
    });
    const post = (json: unknown, key = unique('key')) =>
      shop.request('order', 'POST', '/orders', { json, headers: { 'Idempotency-Key': key } });

    const cases: [string, Promise<{ status: number; body: unknown }>, number, string][] = [
      ['no Idempotency-Key', shop.request('order', 'POST', '/orders', { json: order({}) }), 400, 'Idempotency-Key'],
      ['Idempotency-Key too long', post(order({}), 'k'.repeat(129)), 400, 'Idempotency-Key'],
      ['Idempotency-Key with a space', post(order({}), 'two words'), 400, 'Idempotency-Key'],
      [
        'not JSON',
        shop.request('order', 'POST', '/orders', {
          rawBody: '{"customerId":',
          headers: { 'Idempotency-Key': unique('k') },
        }),
        400,
        'body',
      ],
      ['an array body', post([order({})]), 400, 'body'],
      ['customerId missing with an admin token', post({ mode: 'choreography', items: [line] }), 400, 'customerId'],
      ['customerId a number', post(order({ customerId: 42 })), 400, 'customerId'],
      ['no items', post(order({ items: [] })), 400, 'items'],
      ['51 items', post(order({ items: Array.from({ length: 51 }, () => line) })), 400, 'items'],
      ['quantity 0', post(order({ items: [{ ...line, quantity: 0 }] })), 400, 'items[0].quantity'],
      ['quantity 1001', post(order({ items: [{ ...line, quantity: 1001 }] })), 400, 'items[0].quantity'],
      ['quantity a string', post(order({ items: [{ ...line, quantity: '2' }] })), 400, 'items[0].quantity'],
      ['fractional money', post(order({ items: [{ ...line, unitPrice: 1.5 }] })), 400, 'items[0].unitPrice'],
      ['negative money', post(order({ items: [{ ...line, unitPrice: -1 }] })), 400, 'items[0].unitPrice'],
      ['a malformed SKU', post(order({ items: [{ ...line, sku: 'no spaces allowed' }] })), 400, 'items[0].sku'],
      ['an unknown field', post(order({ coupon: 'FREE' })), 400, 'coupon'],
      ['an unknown item field', post(order({ items: [{ ...line, colour: 'red' }] })), 400, 'items[0].colour'],
      ['an unknown mode', post(order({ mode: 'telepathy' })), 400, 'mode'],
      ['an oversized body', post(order({ customerId: 'x'.repeat(70_000) })), 413, 'body'],
      ['a malformed order id', shop.request('order', 'GET', '/orders/not-a-uuid'), 400, 'orderId'],
      ['a limit out of range', shop.request('order', 'GET', '/orders?limit=1000'), 400, 'limit'],
      ['an unknown query parameter', shop.request('order', 'GET', '/orders?colour=red'), 400, 'colour'],
      ['a cursor no page gave', shop.request('order', 'GET', '/orders?cursor=bm90LWEtY3Vyc29y'), 400, 'cursor'],
      [
        'negative stock',
        shop.request('inventory', 'PUT', `/inventory/${sku}`, { json: { available: -1 } }),
        400,
        'available',
      ],
      [
        'stock as a string',
        shop.request('inventory', 'PUT', `/inventory/${sku}`, { json: { available: '5' } }),
        400,
        'available',
      ],
      [
        'an unknown stock field',
        shop.request('inventory', 'PUT', `/inventory/${sku}`, { json: { available: 5, reserved: 0 } }),
        400,
        'reserved',
      ],
      [
        'a malformed SKU path',
        shop.request('inventory', 'PUT', '/inventory/bad%20sku', { json: { available: 5 } }),
        400,
        'sku',
      ],
      [
        'a fractional balance',
        shop.request('payment', 'PUT', `/accounts/${customer}`, { json: { balance: 1.5 } }),
        400,
        'balance',
      ],
      [
        'a negative price',
        shop.request('order', 'PUT', `/catalog/${sku}`, { json: { unitPrice: -1 } }),
        400,
        'unitPrice',
      ],
      [
        'a price as a string',
        shop.request('order', 'PUT', `/catalog/${sku}`, { json: { unitPrice: '100' } }),
        400,
        'unitPrice',
      ],
      ['payments without orderId', shop.request('payment', 'GET', '/payments'), 400, 'orderId'],
      ['payments of a malformed orderId', shop.request('payment', 'GET', '/payments?orderId=zzz'), 400, 'orderId'],
      [
        'a fail rate above 1',
        shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 2 } }),
        400,
        'failRate',
      ],
    ];
    for (const [name, answer, status, path] of cases) {
      const { status: actualStatus, body } = await answer;
      assert.equal(actualStatus, status, `${name}: ${JSON.stringify(body)}`);
      const error = body as ApiErrorBody;
      assert.ok(error.message, `${name}: has a message`);
      assert.ok(
        error.details?.some((detail) => detail.path === path),
        `${name}: names ${path} in ${JSON.stringify(body)}`,
      );
    }

    assert.deepEqual(await shop.listOrders({ customerId: customer, limit: 200 }), { items: [], nextCursor: null });
    assert.deepEqual(await shop.getStock(sku), { sku, available: 7, reserved: 0 });
    assert.equal((await shop.getPrice(sku)).unitPrice, 100);
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 700, reserved: 0 });
  });
});
