import type { HttpAnswer, HttpClient } from './http-client.js';

export type OrderMode = 'choreography' | 'orchestration' | '2pc';
export const ORDER_MODES: readonly OrderMode[] = ['choreography', 'orchestration', '2pc'];

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface PlaceOrderRequest {
  idempotencyKey: string;
  customerId: string;
  items: OrderLine[];
  mode: OrderMode;
}

export interface ShopUrls {
  order: string;
  inventory: string;
  payment: string;
  coordinator: string;
}

/** The public REST API (API.md) as the benchmark uses it. */
export class ShopApi {
  constructor(
    private readonly http: HttpClient,
    private readonly urls: ShopUrls,
    private readonly requestTimeoutMs: number,
  ) {}

  async setStock(sku: string, available: number): Promise<void> {
    await this.expectOk(this.http.request(`${this.urls.inventory}/inventory/${sku}`, { method: 'PUT', json: { available }, timeoutMs: 10_000 }));
  }

  async setBalance(customerId: string, balance: number): Promise<void> {
    await this.expectOk(this.http.request(`${this.urls.payment}/accounts/${customerId}`, { method: 'PUT', json: { balance }, timeoutMs: 10_000 }));
  }

  /** POST /orders; any answer (also an error status) is returned, only a transport failure or timeout throws. */
  placeOrder(request: PlaceOrderRequest): Promise<HttpAnswer> {
    return this.http.request(`${this.urls.order}/orders`, {
      method: 'POST',
      headers: { 'Idempotency-Key': request.idempotencyKey },
      json: { customerId: request.customerId, items: request.items, mode: request.mode },
      timeoutMs: this.requestTimeoutMs,
    });
  }

  /** Arms the coordinator's fault injection (only with ENABLE_FAULT_INJECTION=true): it SIGKILLs itself at that point. */
  armCoordinatorCrash(point: string): Promise<HttpAnswer> {
    return this.http.request(`${this.urls.coordinator}/admin/crash-point`, { method: 'PUT', json: { point }, timeoutMs: 5_000 });
  }

  private async expectOk(answer: Promise<HttpAnswer>): Promise<void> {
    const { status, body } = await answer;
    if (status < 200 || status >= 300) {
      throw new Error(`seeding answered ${status}: ${JSON.stringify(body)}`);
    }
  }
}
