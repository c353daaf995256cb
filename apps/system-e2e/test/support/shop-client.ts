import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  orderId: string;
  customerId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  total: number;
  mode: string;
  traceId: string;
  items: OrderLine[];
}

export interface HttpAnswer<Body = unknown> {
  status: number;
  body: Body;
}

/** The REST API of a running system, as a user's client would call it. */
export class ShopClient {
  constructor(private readonly system: RunningSystem) {}

  async request<Body = unknown>(
    service: 'order' | 'inventory' | 'payment',
    method: string,
    path: string,
    options: { json?: unknown; rawBody?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpAnswer<Body>> {
    const hasBody = options.json !== undefined || options.rawBody !== undefined;
    const response = await fetch(`${this.system.url(service)}${path}`, {
      method,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
  }

  async setStock(sku: string, available: number): Promise<void> {
    assert.equal((await this.request('inventory', 'PUT', `/inventory/${sku}`, { json: { available } })).status, 200);
  }

  async setBalance(customerId: string, balance: number): Promise<void> {
    assert.equal((await this.request('payment', 'PUT', `/accounts/${customerId}`, { json: { balance } })).status, 200);
  }

  async stock(sku: string): Promise<{ available: number; reserved: number }> {
    return (await this.request<{ available: number; reserved: number }>('inventory', 'GET', `/inventory/${sku}`)).body;
  }

  async account(customerId: string): Promise<{ balance: number; reserved: number }> {
    return (await this.request<{ balance: number; reserved: number }>('payment', 'GET', `/accounts/${customerId}`)).body;
  }

  async payments(orderId: string): Promise<{ amount: number; status: string }[]> {
    return (await this.request<{ amount: number; status: string }[]>('payment', 'GET', `/payments?orderId=${orderId}`)).body;
  }

  async placeOrder(
    order: { customerId: string; items: OrderLine[]; mode?: string },
    idempotencyKey: string = randomUUID(),
  ): Promise<HttpAnswer<{ orderId: string; status: string; mode: string; traceId: string }>> {
    return this.request('order', 'POST', '/orders', { json: order, headers: { 'Idempotency-Key': idempotencyKey } });
  }

  async order(orderId: string): Promise<Order> {
    const answer = await this.request<Order>('order', 'GET', `/orders/${orderId}`);
    assert.equal(answer.status, 200, `GET /orders/${orderId}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async ordersOf(customerId: string): Promise<Order[]> {
    return (await this.request<Order[]>('order', 'GET', `/orders?customerId=${customerId}&limit=200`)).body;
  }

  /** Polls until the order is CONFIRMED or CANCELLED. */
  async finalOrder(orderId: string, timeoutMs = 60_000): Promise<Order> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const order = await this.order(orderId);
      if (order.status !== 'PENDING') {
        return order;
      }
      assert.ok(Date.now() < deadline, `order ${orderId} still PENDING after ${timeoutMs} ms`);
      await sleep(50);
    }
  }
}

/** Polls `probe` until `accept` holds for its value; returns that value. */
export async function eventually<Value>(
  probe: () => Promise<Value>,
  accept: (value: Value) => boolean,
  timeoutMs = 30_000,
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) {
      return value;
    }
    assert.ok(Date.now() < deadline, `condition not reached in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await sleep(100);
  }
}
