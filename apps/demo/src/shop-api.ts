import { randomUUID } from 'node:crypto';
import { sleep } from '@dtx/util';

export interface ServiceUrls {
  order: string;
  inventory: string;
  payment: string;
  orchestrator: string;
  coordinator: string;
}

export interface TransactionView {
  id: string;
  state: string;
  reason?: string;
  participants: { name: string; vote: string | null; outcome: string | null }[];
}

export interface SagaView {
  sagaId: string;
  state: string;
  steps: { name: string; kind: string; status: string; attempts: number }[];
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface OrderView {
  orderId: string;
  customerId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  total: number;
  mode: string;
  traceId: string;
}

/** Service URLs from ORDER_URL, INVENTORY_URL, PAYMENT_URL, ORCHESTRATOR_URL and COORDINATOR_URL, defaulting to the local ports. */
export function serviceUrlsFromEnvironment(): ServiceUrls {
  return {
    order: process.env['ORDER_URL'] ?? 'http://127.0.0.1:3001',
    inventory: process.env['INVENTORY_URL'] ?? 'http://127.0.0.1:3002',
    payment: process.env['PAYMENT_URL'] ?? 'http://127.0.0.1:3003',
    orchestrator: process.env['ORCHESTRATOR_URL'] ?? 'http://127.0.0.1:3004',
    coordinator: process.env['COORDINATOR_URL'] ?? 'http://127.0.0.1:3005',
  };
}

/** A small client of the public REST API (API.md). */
export class ShopApi {
  constructor(private readonly urls: ServiceUrls) {}

  setStock(sku: string, available: number): Promise<unknown> {
    return this.call('PUT', `${this.urls.inventory}/inventory/${sku}`, { available });
  }

  setBalance(customerId: string, balance: number): Promise<unknown> {
    return this.call('PUT', `${this.urls.payment}/accounts/${customerId}`, { balance });
  }

  stock(sku: string): Promise<{ available: number; reserved: number }> {
    return this.call('GET', `${this.urls.inventory}/inventory/${sku}`);
  }

  account(customerId: string): Promise<{ balance: number; reserved: number }> {
    return this.call('GET', `${this.urls.payment}/accounts/${customerId}`);
  }

  placeOrder(customerId: string, items: OrderLine[], mode: string): Promise<{ orderId: string; traceId: string }> {
    return this.call('POST', `${this.urls.order}/orders`, { customerId, items, mode }, { 'Idempotency-Key': randomUUID() });
  }

  order(orderId: string): Promise<OrderView> {
    return this.call('GET', `${this.urls.order}/orders/${orderId}`);
  }

  /** The order's sagas (orchestration mode), with their step history. */
  sagasOf(orderId: string): Promise<SagaView[]> {
    return this.call('GET', `${this.urls.orchestrator}/sagas?orderId=${orderId}`);
  }

  /** A 2PC order's transaction (its id is the order id), with each participant's vote and outcome. */
  transaction(orderId: string): Promise<TransactionView> {
    return this.call('GET', `${this.urls.coordinator}/transactions/${orderId}`);
  }

  /** Polls the order until it is CONFIRMED or CANCELLED. */
  async finalOrder(orderId: string, options: { timeoutMs: number; pollMs: number }): Promise<OrderView> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const order = await this.order(orderId);
      if (order.status !== 'PENDING') {
        return order;
      }
      if (Date.now() > deadline) {
        throw new Error(`order ${orderId} is still PENDING after ${options.timeoutMs} ms`);
      }
      await sleep(options.pollMs);
    }
  }

  private async call<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
    }
    return JSON.parse(text) as T;
  }
}
