import { randomUUID } from 'node:crypto';
import {
  accountSchema,
  apiErrorBodySchema,
  catalogPriceSchema,
  faultSettingsSchema,
  orderPageSchema,
  orderViewSchema,
  paymentViewSchema,
  placeOrderAnswerSchema,
  sagaViewSchema,
  stockLevelSchema,
  transactionViewSchema,
  type Account,
  type ApiErrorBody,
  type CatalogPriceView,
  type CrashPointRequest,
  type FaultSettings,
  type ListOrdersQuery,
  type OrderPage,
  type OrderView,
  type PaymentView,
  type PlaceOrderAnswer,
  type PlaceOrderRequest,
  type SagaView,
  type StockLevel,
  type TransactionView,
} from '@dtx/contracts';
import type { z } from 'zod';
import { fetchTransport, sleep, type HttpTransport } from '@dtx/util';
import type { ShopCredentials } from './credentials.js';

export type ShopService = 'order' | 'inventory' | 'payment' | 'orchestrator' | 'coordinator';

/** Base URLs of the services (`http://127.0.0.1:3001`); only the order service's is required. */
export interface ShopUrls {
  order: string;
  inventory?: string;
  payment?: string;
  orchestrator?: string;
  coordinator?: string;
  /** Where each service serves /admin/* (fault injection), if not at its own URL: its admin port. */
  admin?: Partial<Record<ShopService, string>>;
}

export interface ShopClientOptions {
  /** How requests are sent; `fetch` by default. A load generator passes a KeepAliveTransport. */
  transport?: HttpTransport;
  /**
   * Whether answers are checked against the contracts' schemas (default true).
   * Off, a typed answer is only what the service says it is: for a benchmark,
   * where the check would be measured too.
   */
  validate?: boolean;
  /** Per request, unless a call says otherwise (default 30 s). */
  timeoutMs?: number;
  /** The tokens sent; without them requests go without one (and get 401). */
  credentials?: ShopCredentials;
}

export interface RequestOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is, as application/json: for bodies no serialiser would write (malformed, reordered). */
  rawBody?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Sent without a token, even when the client has credentials. */
  anonymous?: boolean;
}

/** Any answer: its status, its body (JSON parsed; text that is not JSON as it is; undefined when empty), its headers. */
export interface RawAnswer {
  status: number;
  body: unknown;
  /** Lower-case names. */
  headers: Record<string, string>;
}

export interface PlaceOrderOptions {
  /** A new UUID unless given; repeat a key to replay the first answer. */
  idempotencyKey?: string;
  /** A W3C trace context for the order to continue. */
  traceparent?: string;
  timeoutMs?: number;
}

/** POST /orders answered: 202 for a saga order; 201 (CONFIRMED) or 200 (CANCELLED) for a decided 2PC order. */
export interface PlacedOrder {
  status: number;
  body: PlaceOrderAnswer;
}

/** A service answered with a status other than 2xx. */
export class ShopApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'ShopApiError';
  }

  /** The API's error body (`{ error, message, details? }`), when the answer has one. */
  get apiError(): ApiErrorBody | undefined {
    const parsed = apiErrorBodySchema.safeParse(this.body);
    return parsed.success ? parsed.data : undefined;
  }
}

/** A 2xx answer whose body is not what the contract says. */
export class ShopContractError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly issues: z.ZodError['issues'],
    readonly body: unknown,
  ) {
    const where = issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    super(`${method} ${path}: the answer does not match the contract (${where})`);
    this.name = 'ShopContractError';
  }
}

/**
 * The public REST API of the system (README, "Placing orders"), typed by the
 * contracts. The typed methods return the answer's body and throw a
 * ShopApiError for a status other than 2xx; `request` returns any answer, for
 * callers that look at status codes and error bodies themselves.
 */
export class ShopClient {
  private readonly transport: HttpTransport;
  private readonly validate: boolean;
  private readonly timeoutMs: number;

  /**
   * Requests carry an admin token, except an order placed for a customer
   * (that customer's token) and every request of a client made by
   * `asCustomer` (its customer's).
   */
  constructor(
    private readonly urls: ShopUrls,
    private readonly options: ShopClientOptions = {},
    private readonly boundCustomer?: string,
  ) {
    this.transport = options.transport ?? fetchTransport();
    this.validate = options.validate ?? true;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The same client acting as one customer: every request carries that customer's token. */
  asCustomer(customerId: string): ShopClient {
    return new ShopClient(this.urls, { ...this.options, transport: this.transport }, customerId);
  }

  /** POST /orders. */
  async placeOrder(request: PlaceOrderRequest, options: PlaceOrderOptions = {}): Promise<PlacedOrder> {
    const headers: Record<string, string> = { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() };
    if (options.traceparent !== undefined) {
      headers['traceparent'] = options.traceparent;
    }
    const path = '/orders';
    const customer = this.boundCustomer ?? request.customerId;
    const credentials = this.options.credentials;
    if (credentials && customer !== undefined) {
      headers['authorization'] = `Bearer ${await credentials.customer(customer)}`;
    }
    const answer = await this.request('order', 'POST', path, { json: request, headers, timeoutMs: options.timeoutMs });
    return { status: answer.status, body: this.expect(placeOrderAnswerSchema, 'POST', path, answer) };
  }

  /** GET /orders/:orderId. */
  getOrder(orderId: string): Promise<OrderView> {
    return this.call(orderViewSchema, 'order', 'GET', `/orders/${encodeURIComponent(orderId)}`);
  }

  /** GET /orders: a page of at most `limit` orders (default 50, at most 200), newest first; `nextCursor` continues. */
  listOrders(query: ListOrdersQuery = {}): Promise<OrderPage> {
    const parameters = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) {
        parameters.set(name, String(value));
      }
    }
    const search = parameters.size > 0 ? `?${parameters}` : '';
    return this.call(orderPageSchema, 'order', 'GET', `/orders${search}`);
  }

  /** Polls GET /orders/:orderId until the order is CONFIRMED or CANCELLED. */
  async finalOrder(orderId: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<OrderView> {
    const { timeoutMs = 60_000, pollMs = 50 } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const order = await this.getOrder(orderId);
      if (order.status !== 'PENDING') {
        return order;
      }
      if (Date.now() > deadline) {
        throw new Error(`order ${orderId} is still PENDING after ${timeoutMs} ms`);
      }
      await sleep(pollMs);
    }
  }

  /** PUT /catalog/:sku (admin): the price orders are placed at from now on. */
  setPrice(sku: string, unitPrice: number): Promise<CatalogPriceView> {
    return this.call(catalogPriceSchema, 'order', 'PUT', `/catalog/${encodeURIComponent(sku)}`, { unitPrice });
  }

  /** GET /catalog/:sku. */
  getPrice(sku: string): Promise<CatalogPriceView> {
    return this.call(catalogPriceSchema, 'order', 'GET', `/catalog/${encodeURIComponent(sku)}`);
  }

  /** PUT /inventory/:sku: the units available for new orders (reserved units stay reserved). */
  setStock(sku: string, available: number): Promise<StockLevel> {
    return this.call(stockLevelSchema, 'inventory', 'PUT', `/inventory/${encodeURIComponent(sku)}`, { available });
  }

  /** GET /inventory/:sku. */
  getStock(sku: string): Promise<StockLevel> {
    return this.call(stockLevelSchema, 'inventory', 'GET', `/inventory/${encodeURIComponent(sku)}`);
  }

  /** PUT /accounts/:customerId: the balance in minor units; 409 when it would not cover what is held. */
  setBalance(customerId: string, balance: number): Promise<Account> {
    return this.call(accountSchema, 'payment', 'PUT', `/accounts/${encodeURIComponent(customerId)}`, { balance });
  }

  /** GET /accounts/:customerId. */
  getAccount(customerId: string): Promise<Account> {
    return this.call(accountSchema, 'payment', 'GET', `/accounts/${encodeURIComponent(customerId)}`);
  }

  /** GET /payments?orderId=: the order's payments, oldest first. */
  paymentsOfOrder(orderId: string): Promise<PaymentView[]> {
    return this.call(paymentViewSchema.array(), 'payment', 'GET', `/payments?${new URLSearchParams({ orderId })}`);
  }

  /** GET /sagas/:sagaId, with its step history. */
  getSaga(sagaId: string): Promise<SagaView> {
    return this.call(sagaViewSchema, 'orchestrator', 'GET', `/sagas/${encodeURIComponent(sagaId)}`);
  }

  /** GET /sagas?orderId=: the order's sagas (orchestration mode), oldest first. */
  sagasOfOrder(orderId: string): Promise<SagaView[]> {
    return this.call(sagaViewSchema.array(), 'orchestrator', 'GET', `/sagas?${new URLSearchParams({ orderId })}`);
  }

  /** GET /transactions/:id: a 2PC order's transaction (its id is the order id), each participant's vote and outcome. */
  getTransaction(id: string): Promise<TransactionView> {
    return this.call(transactionViewSchema, 'coordinator', 'GET', `/transactions/${encodeURIComponent(id)}`);
  }

  /** PUT /admin/faults on a participant (ENABLE_FAULT_INJECTION=true only): its message handlers slowed or failing. */
  setFaults(service: 'order' | 'inventory' | 'payment', settings: FaultSettings): Promise<FaultSettings> {
    return this.call(faultSettingsSchema, service, 'PUT', '/admin/faults', settings);
  }

  /** PUT /admin/crash-point on the coordinator (ENABLE_FAULT_INJECTION=true only). */
  async armCrashPoint(request: CrashPointRequest): Promise<void> {
    const path = '/admin/crash-point';
    const answer = await this.request('coordinator', 'PUT', path, { json: request });
    this.expectSuccess('PUT', path, answer);
  }

  /** Any request to a service; only a transport failure or a timeout rejects. */
  async request(service: ShopService, method: string, path: string, options: RequestOptions = {}): Promise<RawAnswer> {
    const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const response = await this.transport.send({
      method,
      url: `${path.startsWith('/admin/') ? this.adminUrlOf(service) : this.urlOf(service)}${path}`,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(await this.authorization(options)),
        ...options.headers,
      },
      body,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
    });
    return { status: response.status, body: parseBody(response.text), headers: response.headers };
  }

  /** The Authorization header a request gets, unless it brings its own or is anonymous. */
  private async authorization(options: RequestOptions): Promise<Record<string, string>> {
    const credentials = this.options.credentials;
    const ownHeader = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
    if (!credentials || options.anonymous || ownHeader) {
      return {};
    }
    const token =
      this.boundCustomer === undefined ? await credentials.admin() : await credentials.customer(this.boundCustomer);
    return { authorization: `Bearer ${token}` };
  }

  /** Closes the transport's sockets, if it keeps any. */
  close(): void {
    this.transport.close?.();
  }

  private async call<Body>(
    schema: z.ZodType<Body>,
    service: ShopService,
    method: string,
    path: string,
    json?: unknown,
  ): Promise<Body> {
    return this.expect(schema, method, path, await this.request(service, method, path, { json }));
  }

  private expect<Body>(schema: z.ZodType<Body>, method: string, path: string, answer: RawAnswer): Body {
    this.expectSuccess(method, path, answer);
    if (this.validate) {
      const parsed = schema.safeParse(answer.body);
      if (!parsed.success) {
        throw new ShopContractError(method, path, parsed.error.issues, answer.body);
      }
    }
    // The body as the service sent it: checked, not stripped of fields the schema does not know.
    return answer.body as Body;
  }

  private expectSuccess(method: string, path: string, answer: RawAnswer): void {
    if (answer.status < 200 || answer.status >= 300) {
      throw new ShopApiError(method, path, answer.status, answer.body);
    }
  }

  private adminUrlOf(service: ShopService): string {
    return this.urls.admin?.[service]?.replace(/\/+$/, '') ?? this.urlOf(service);
  }

  private urlOf(service: ShopService): string {
    const url = this.urls[service] as string | undefined;
    if (url === undefined) {
      throw new Error(`ShopClient: no URL for the ${service} service`);
    }
    return url.replace(/\/+$/, '');
  }
}

function parseBody(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
