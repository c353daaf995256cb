import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { OrderView, SagaView, TransactionView } from '@dtx/contracts';
import { fetchTransport, KeepAliveTransport, TimeoutError, type HttpTransport } from '@dtx/util';
import { ShopApiError, ShopClient, ShopContractError } from './shop-client.js';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
}

/** A real HTTP server on 127.0.0.1 that answers from a route table and records what it received. */
class FakeShop {
  readonly received: Received[] = [];
  routes = new Map<string, (request: Received) => Reply | 'hang'>();
  connections = 0;
  readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.received.push(received);
      const route = this.routes.get(`${received.method} ${received.url.split('?')[0]}`);
      const reply = route ? route(received) : { status: 404, body: { error: 'NOT_FOUND', message: 'no route' } };
      if (reply === 'hang') {
        return;
      }
      const text =
        typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
      response.writeHead(reply.status, { 'content-type': 'application/json', 'x-fake': 'yes' });
      response.end(text);
    });
  });

  constructor() {
    this.server.on('connection', () => this.connections++);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.received.length = 0;
    this.routes.clear();
  }

  last(): Received {
    const last = this.received.at(-1);
    assert.ok(last, 'the server received a request');
    return last;
  }
}

const orderId = '0b8e1f5e-2f4a-4c47-9d3e-0f1a2b3c4d5e';
const order: OrderView = {
  orderId,
  customerId: 'alice',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 1_250 }],
  total: 2_500,
  status: 'CONFIRMED',
  mode: 'choreography',
  createdAt: '2025-01-02T03:04:05.678Z',
  updatedAt: '2025-01-02T03:04:06.000Z',
  traceId: '0af7651916cd43dd8448eb211c80319c',
};
const saga: SagaView = {
  sagaId: '6f1c2d3e-4b5a-4978-8c6d-5e4f3a2b1c0d',
  orderId,
  type: 'create-order',
  state: 'COMPLETED',
  needsAttention: false,
  steps: [
    {
      name: 'create-order',
      kind: 'action',
      status: 'SUCCEEDED',
      attempts: 1,
      startedAt: order.createdAt,
      endedAt: order.updatedAt,
    },
    {
      name: 'capture-payment',
      kind: 'action',
      status: 'SUCCEEDED',
      attempts: 1,
      startedAt: order.updatedAt,
      endedAt: order.updatedAt,
      group: 'complete-order',
    },
  ],
};
const transaction: TransactionView = {
  id: orderId,
  orderId,
  state: 'COMMITTED',
  participants: [
    { name: 'order', vote: 'YES', outcome: 'COMMITTED' },
    { name: 'inventory', vote: 'YES', outcome: 'COMMITTED' },
    { name: 'payment', vote: 'YES', outcome: 'COMMITTED' },
  ],
};

const transports: [string, () => HttpTransport][] = [
  ['fetch', () => fetchTransport()],
  ['keep-alive node:http', () => new KeepAliveTransport({ maxSockets: 4 })],
];

for (const [transportName, makeTransport] of transports) {
  describe(`ShopClient over ${transportName}`, () => {
    const shop = new FakeShop();
    let transport: HttpTransport;
    let client: ShopClient;

    before(async () => {
      await shop.start();
      transport = makeTransport();
      const url = shop.url;
      client = new ShopClient(
        { order: url, inventory: url, payment: url, orchestrator: url, coordinator: `${url}/` },
        { transport },
      );
    });
    after(async () => {
      client.close();
      await shop.stop();
    });
    beforeEach(() => shop.reset());

    it('places an order: JSON body, a fresh Idempotency-Key, the traceparent, and the typed answer with its status', async () => {
      const answer = { orderId, status: 'PENDING', mode: 'choreography', traceId: order.traceId };
      shop.routes.set('POST /orders', () => ({ status: 202, body: answer }));
      const request = { customerId: 'alice', items: order.items, mode: 'choreography' } as const;

      const placed = await client.placeOrder(request, { traceparent: `00-${order.traceId}-00f067aa0ba902b7-01` });
      const again = await client.placeOrder(request, { idempotencyKey: 'key-1' });

      assert.deepEqual(placed, { status: 202, body: answer });
      const [first, second] = shop.received;
      assert.deepEqual(JSON.parse(first?.body ?? ''), request);
      assert.equal(first?.headers['content-type'], 'application/json');
      assert.match(String(first?.headers['idempotency-key']), /^[0-9a-f-]{36}$/);
      assert.equal(first?.headers['traceparent'], `00-${order.traceId}-00f067aa0ba902b7-01`);
      assert.equal(second?.headers['idempotency-key'], 'key-1');
      assert.equal(second?.headers['traceparent'], undefined);
      assert.equal(again.status, 202);
    });

    it('leaves the mode out when the request does (the service then orchestrates)', async () => {
      shop.routes.set('POST /orders', () => ({
        status: 202,
        body: { orderId, status: 'PENDING', mode: 'orchestration', traceId: order.traceId },
      }));
      await client.placeOrder({ customerId: 'alice', items: order.items });
      assert.deepEqual(Object.keys(JSON.parse(shop.last().body) as object), ['customerId', 'items']);
    });

    it('reads each resource from its service, with path and query parameters encoded', async () => {
      const stock = { sku: 'BOOK-1', available: 3, reserved: 1 };
      const account = { customerId: 'bob@example.com', balance: 700, reserved: 0 };
      const payments = [
        { paymentId: '1d2c3b4a-5f6e-4d7c-8b9a-0a1b2c3d4e5f', orderId, amount: 2_500, status: 'CAPTURED' },
      ];
      shop.routes.set(`GET /orders/${orderId}`, () => ({ status: 200, body: order }));
      shop.routes.set('GET /orders', () => ({ status: 200, body: { items: [order], nextCursor: null } }));
      shop.routes.set('GET /inventory/BOOK-1', () => ({ status: 200, body: stock }));
      shop.routes.set('GET /accounts/bob%40example.com', () => ({ status: 200, body: account }));
      shop.routes.set('GET /payments', () => ({ status: 200, body: payments }));
      shop.routes.set('GET /sagas', () => ({ status: 200, body: [saga] }));
      shop.routes.set(`GET /sagas/${saga.sagaId}`, () => ({ status: 200, body: saga }));
      shop.routes.set(`GET /transactions/${orderId}`, () => ({ status: 200, body: transaction }));

      assert.deepEqual(await client.getOrder(orderId), order);
      assert.deepEqual(await client.listOrders({ customerId: 'alice', status: 'CONFIRMED', limit: 200 }), {
        items: [order],
        nextCursor: null,
      });
      assert.equal(shop.last().url, '/orders?customerId=alice&status=CONFIRMED&limit=200');
      assert.deepEqual((await client.listOrders()).items, [order]);
      assert.equal(shop.last().url, '/orders');
      assert.deepEqual(await client.getStock('BOOK-1'), stock);
      assert.deepEqual(await client.getAccount('bob@example.com'), account);
      assert.deepEqual(await client.paymentsOfOrder(orderId), payments);
      assert.equal(shop.last().url, `/payments?orderId=${orderId}`);
      assert.deepEqual(await client.sagasOfOrder(orderId), [saga]);
      assert.equal(shop.last().url, `/sagas?orderId=${orderId}`);
      assert.deepEqual(await client.getSaga(saga.sagaId), saga);
      assert.deepEqual(await client.getTransaction(orderId), transaction);
    });

    it('seeds stock and balances and sets faults with PUT and a JSON body', async () => {
      shop.routes.set('PUT /inventory/BOOK-1', (request) => ({
        status: 200,
        body: { sku: 'BOOK-1', reserved: 0, ...JSON.parse(request.body) },
      }));
      shop.routes.set('PUT /accounts/alice', (request) => ({
        status: 200,
        body: { customerId: 'alice', reserved: 0, ...JSON.parse(request.body) },
      }));
      shop.routes.set('PUT /admin/faults', (request) => ({ status: 200, body: JSON.parse(request.body) }));
      shop.routes.set('PUT /admin/crash-point', (request) => ({
        status: 200,
        body: { armed: JSON.parse(request.body) },
      }));

      assert.deepEqual(await client.setStock('BOOK-1', 5), { sku: 'BOOK-1', available: 5, reserved: 0 });
      assert.deepEqual(await client.setBalance('alice', 900), { customerId: 'alice', balance: 900, reserved: 0 });
      assert.deepEqual(await client.setFaults('payment', { delayMs: 0, failRate: 1 }), { delayMs: 0, failRate: 1 });
      await client.armCrashPoint({ point: 'after-prepare', action: 'pause', pauseMs: 10 });
      assert.deepEqual(
        shop.received.map((request) => [request.method, request.url, JSON.parse(request.body)]),
        [
          ['PUT', '/inventory/BOOK-1', { available: 5 }],
          ['PUT', '/accounts/alice', { balance: 900 }],
          ['PUT', '/admin/faults', { delayMs: 0, failRate: 1 }],
          ['PUT', '/admin/crash-point', { point: 'after-prepare', action: 'pause', pauseMs: 10 }],
        ],
      );
    });

    it('throws a ShopApiError with the status and the error body for an answer other than 2xx', async () => {
      const error = {
        error: 'IDEMPOTENCY_KEY_REUSED',
        message: 'already used',
        details: [{ path: 'Idempotency-Key', message: 'already used' }],
      };
      shop.routes.set('POST /orders', () => ({ status: 422, body: error }));
      shop.routes.set('PUT /accounts/alice', () => ({ status: 502, body: 'Bad Gateway' }));

      await assert.rejects(client.placeOrder({ customerId: 'alice', items: order.items }), (thrown: unknown) => {
        assert.ok(thrown instanceof ShopApiError);
        assert.deepEqual([thrown.method, thrown.path, thrown.status], ['POST', '/orders', 422]);
        assert.deepEqual(thrown.apiError, error);
        assert.match(thrown.message, /POST \/orders answered 422: .*IDEMPOTENCY_KEY_REUSED/);
        return true;
      });
      await assert.rejects(
        client.getOrder(orderId),
        (thrown: unknown) => thrown instanceof ShopApiError && thrown.status === 404,
      );
      await assert.rejects(client.setBalance('alice', 1), (thrown: unknown) => {
        assert.ok(thrown instanceof ShopApiError);
        assert.deepEqual([thrown.status, thrown.body, thrown.apiError], [502, 'Bad Gateway', undefined]);
        return true;
      });
    });

    it('checks answers against the contract, and returns them unchanged', async () => {
      const withExtraField = { ...order, channel: 'web' };
      shop.routes.set(`GET /orders/${orderId}`, () => ({ status: 200, body: withExtraField }));
      shop.routes.set('GET /inventory/BOOK-1', () => ({
        status: 200,
        body: { sku: 'BOOK-1', available: '3', reserved: 0 },
      }));

      assert.deepEqual(await client.getOrder(orderId), withExtraField, 'a field the contract does not know is kept');
      await assert.rejects(client.getStock('BOOK-1'), (thrown: unknown) => {
        assert.ok(thrown instanceof ShopContractError);
        assert.match(thrown.message, /GET \/inventory\/BOOK-1: the answer does not match the contract \(available: /);
        return true;
      });

      const unchecked = new ShopClient({ order: shop.url, inventory: shop.url }, { transport, validate: false });
      assert.deepEqual(await unchecked.getStock('BOOK-1'), { sku: 'BOOK-1', available: '3', reserved: 0 });
    });

    it('request: any answer with its status, body and headers; raw bodies as they are', async () => {
      shop.routes.set('POST /orders', () => ({
        status: 400,
        body: { error: 'BAD_REQUEST', message: 'Invalid JSON', details: [{ path: 'body', message: 'x' }] },
      }));
      shop.routes.set('GET /metrics', () => ({ status: 200, body: 'orders_total 3\n' }));
      shop.routes.set('POST /2pc/transactions/t/commit', () => ({ status: 200 }));

      const refused = await client.request('order', 'POST', '/orders', {
        rawBody: '{"customerId":',
        headers: { 'Idempotency-Key': 'k' },
      });
      assert.equal(refused.status, 400);
      assert.deepEqual((refused.body as { details: unknown }).details, [{ path: 'body', message: 'x' }]);
      assert.equal(refused.headers['x-fake'], 'yes');
      assert.equal(shop.last().body, '{"customerId":');
      assert.equal(shop.last().headers['content-type'], 'application/json');
      assert.equal(shop.last().headers['idempotency-key'], 'k');

      assert.deepEqual((await client.request('inventory', 'GET', '/metrics')).body, 'orders_total 3\n');
      assert.equal(shop.last().headers['content-type'], undefined, 'no content type without a body');
      const empty = await client.request('inventory', 'POST', '/2pc/transactions/t/commit');
      assert.deepEqual([empty.status, empty.body], [200, undefined]);
    });

    it('polls an order until it is final', async () => {
      let reads = 0;
      shop.routes.set(`GET /orders/${orderId}`, () => ({
        status: 200,
        body: { ...order, status: ++reads < 3 ? 'PENDING' : 'CANCELLED', reason: 'OUT_OF_STOCK' },
      }));
      const final = await client.finalOrder(orderId, { pollMs: 1 });
      assert.deepEqual([final.status, final.reason, reads], ['CANCELLED', 'OUT_OF_STOCK', 3]);

      shop.routes.set(`GET /orders/${orderId}`, () => ({ status: 200, body: { ...order, status: 'PENDING' } }));
      await assert.rejects(client.finalOrder(orderId, { timeoutMs: 20, pollMs: 5 }), /still PENDING after 20 ms/);
    });

    it('gives up on a service that does not answer within the timeout', async () => {
      shop.routes.set('GET /inventory/SLOW', () => 'hang');
      const impatient = new ShopClient({ order: shop.url, inventory: shop.url }, { transport, timeoutMs: 50 });
      const startedAt = performance.now();
      await assert.rejects(impatient.getStock('SLOW'), TimeoutError);
      assert.ok(performance.now() - startedAt < 5_000);
    });
  });
}

describe('ShopClient without a URL for a service', () => {
  it('says which one is missing', async () => {
    const client = new ShopClient({ order: 'http://127.0.0.1:1' });
    await assert.rejects(client.getTransaction(orderId), /no URL for the coordinator service/);
  });
});

describe('KeepAliveTransport', () => {
  const shop = new FakeShop();
  before(() => shop.start());
  after(() => shop.stop());

  it('sends one request after another over one connection', async () => {
    shop.routes.set('GET /health/ready', () => ({ status: 200, body: { status: 'ok' } }));
    const transport = new KeepAliveTransport({ maxSockets: 1 });
    try {
      const connectionsBefore = shop.connections;
      for (let index = 0; index < 5; index++) {
        const answer = await transport.send({
          method: 'GET',
          url: `${shop.url}/health/ready`,
          headers: {},
          timeoutMs: 5_000,
        });
        assert.equal(answer.status, 200);
      }
      assert.equal(shop.connections - connectionsBefore, 1);
    } finally {
      transport.close();
    }
  });

  it('sends a request once more when the server closed the reused socket before answering', async () => {
    const requestsOnSocket = new WeakMap<object, number>();
    let closedOnce = false;
    shop.routes.set('GET /health/ready', () => ({ status: 200, body: { status: 'ok' } }));
    const onRequest = (request: http.IncomingMessage) => {
      const count = (requestsOnSocket.get(request.socket) ?? 0) + 1;
      requestsOnSocket.set(request.socket, count);
      if (count > 1 && !closedOnce) {
        closedOnce = true;
        request.socket.destroy();
      }
    };
    shop.server.prependListener('request', onRequest);
    const transport = new KeepAliveTransport({ maxSockets: 1 });
    try {
      const send = () =>
        transport.send({ method: 'GET', url: `${shop.url}/health/ready`, headers: {}, timeoutMs: 5_000 });
      const connectionsBefore = shop.connections;
      assert.equal((await send()).status, 200);
      assert.equal((await send()).status, 200, 'answered on a new socket');
      assert.ok(closedOnce);
      assert.equal(shop.connections - connectionsBefore, 2);
    } finally {
      shop.server.removeListener('request', onRequest);
      transport.close();
    }
  });

  it('sends it once more on a new connection: the other kept-alive sockets to that server may be just as dead', async () => {
    shop.routes.set('GET /health/ready', () => ({ status: 200, body: { status: 'ok' } }));
    const transport = new KeepAliveTransport({ maxSockets: 2 });
    const send = () =>
      transport.send({ method: 'GET', url: `${shop.url}/health/ready`, headers: {}, timeoutMs: 5_000 });
    const kept = new Set<object>();
    const keep = (request: http.IncomingMessage) => kept.add(request.socket);
    // As after a crash of the server: each connection made before is reset by the next request on it.
    const resetKept = (request: http.IncomingMessage) => {
      if (kept.has(request.socket)) {
        request.socket.destroy();
      }
    };
    try {
      const connectionsBefore = shop.connections;
      shop.server.prependListener('request', keep);
      const warmUp = await Promise.all([send(), send()]);
      shop.server.removeListener('request', keep);
      assert.deepEqual(
        warmUp.map((answer) => answer.status),
        [200, 200],
      );
      assert.equal(kept.size, 2, 'two kept-alive sockets in the pool');
      shop.server.prependListener('request', resetKept);

      assert.equal((await send()).status, 200);
      assert.equal(shop.connections - connectionsBefore, 3, 'answered on a new connection');
    } finally {
      shop.server.removeListener('request', keep);
      shop.server.removeListener('request', resetKept);
      transport.close();
    }
  });
});
