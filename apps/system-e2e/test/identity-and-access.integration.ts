import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalKeys, LocalIssuer, localIssuer, localKeysDirectory } from '@dtx/auth';
import type { ApiErrorBody, OrderView, PlaceOrderRequest } from '@dtx/contracts';
import type { RawAnswer, ShopClient, ShopService } from '@dtx/shop-client';
import { SERVICE_NAMES, startSystem, type RunningSystem } from '@dtx/testing';
import { shopClientOf } from './support/shop-client.js';
import { asCoordinator, coordinatorToken, preparedTransactions, queryDatabase } from './support/two-phase.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const errorOf = (answer: RawAnswer) => answer.body as ApiErrorBody;

interface Route {
  service: ShopService;
  method: string;
  path: string;
  json?: unknown;
}

/** A JWT with `alg: none` and no signature, as an attacker would write it by hand. */
function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** The token with its claims rewritten and its signature kept. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${signature}`;
}

describe('identity and access: every REST route checks a bearer token, its role and its customer', () => {
  let system: RunningSystem;
  let shop: ShopClient;
  let issuer: LocalIssuer;
  const [sku, alice, bob] = [unique('sku'), unique('alice'), unique('bob')];
  /** Alice's 2PC order: confirmed, paid and committed before the tests start. */
  let aliceOrder: OrderView;

  const send = (route: Route, headers: Record<string, string>) =>
    shop.request(route.service, route.method, route.path, { json: route.json, headers });
  const tokens = {
    admin: () => issuer.issue({ subject: 'ops', scopes: ['admin'] }),
    customer: (customerId: string) => issuer.issue({ subject: customerId }),
    service: (clientId: string) => issuer.issue({ subject: `service:${clientId}`, clientId }),
  };
  const ordersOf = async (customerId: string) => (await shop.listOrders({ customerId, limit: 200 })).items.length;

  before(async () => {
    system = await startSystem([...SERVICE_NAMES]);
    shop = shopClientOf(system);
    issuer = await localIssuer();
    await shop.setStock(sku, 100);
    await shop.setPrice(sku, 250);
    await shop.setBalance(alice, 10_000);
    await shop.setBalance(bob, 10_000);
    const placed = await shop.asCustomer(alice).placeOrder({ mode: '2pc', items: [{ sku, quantity: 1 }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    aliceOrder = await shop.getOrder(placed.body.orderId);
  });
  after(async () => system?.shutdown());

  /** One route of each family on each service, with a body that would be accepted from the right caller. */
  function everyRouteFamily(): Route[] {
    const transactionId = randomUUID();
    const work = {
      orderId: transactionId,
      customerId: alice,
      items: [{ sku, quantity: 1, unitPrice: 250 }],
      total: 250,
    };
    const twoPhase = (service: ShopService): Route[] => [
      { service, method: 'POST', path: `/2pc/transactions/${transactionId}/prepare`, json: work },
      { service, method: 'POST', path: `/2pc/transactions/${transactionId}/commit` },
      {
        service,
        method: 'POST',
        path: `/2pc/transactions/${transactionId}/abort`,
        json: { orderId: transactionId, reason: 'TIMEOUT' },
      },
      { service, method: 'GET', path: '/2pc/prepared' },
    ];
    return [
      { service: 'order', method: 'POST', path: '/orders', json: { items: [{ sku, quantity: 1 }], mode: '2pc' } },
      { service: 'order', method: 'GET', path: '/orders' },
      { service: 'order', method: 'GET', path: `/orders/${aliceOrder.orderId}` },
      { service: 'order', method: 'PUT', path: `/catalog/${sku}`, json: { unitPrice: 1 } },
      { service: 'order', method: 'GET', path: `/catalog/${sku}` },
      { service: 'order', method: 'PUT', path: '/admin/faults', json: { delayMs: 0, failRate: 0 } },
      ...twoPhase('order'),
      { service: 'inventory', method: 'PUT', path: `/inventory/${sku}`, json: { available: 1 } },
      { service: 'inventory', method: 'GET', path: `/inventory/${sku}` },
      { service: 'inventory', method: 'PUT', path: '/admin/faults', json: { delayMs: 0, failRate: 0 } },
      ...twoPhase('inventory'),
      { service: 'payment', method: 'PUT', path: `/accounts/${alice}`, json: { balance: 1 } },
      { service: 'payment', method: 'GET', path: `/accounts/${alice}` },
      { service: 'payment', method: 'GET', path: `/payments?orderId=${aliceOrder.orderId}` },
      { service: 'payment', method: 'PUT', path: '/admin/faults', json: { delayMs: 0, failRate: 0 } },
      ...twoPhase('payment'),
      { service: 'orchestrator', method: 'GET', path: `/sagas?orderId=${aliceOrder.orderId}` },
      { service: 'orchestrator', method: 'GET', path: `/sagas/${randomUUID()}` },
      { service: 'coordinator', method: 'POST', path: '/transactions', json: { ...work, transactionId } },
      { service: 'coordinator', method: 'GET', path: `/transactions/${aliceOrder.orderId}` },
      { service: 'coordinator', method: 'GET', path: '/transactions?state=unfinished' },
      {
        service: 'coordinator',
        method: 'PUT',
        path: '/admin/crash-point',
        json: { point: 'after-prepare', action: 'pause', pauseMs: 1 },
      },
    ];
  }

  /** Stock, price, balances and alice's order as they were: what a refused request must not have changed. */
  async function assertNothingChanged(): Promise<void> {
    assert.deepEqual(await shop.getStock(sku), { sku, available: 99, reserved: 0 });
    assert.equal((await shop.getPrice(sku)).unitPrice, 250);
    assert.deepEqual(await shop.getAccount(alice), { customerId: alice, balance: 9_750, reserved: 0 });
    assert.equal((await shop.getOrder(aliceOrder.orderId)).status, 'CONFIRMED');
    assert.deepEqual(await preparedTransactions(system), []);
  }

  it('without a token every route family is 401 UNAUTHORIZED with a WWW-Authenticate header, and changes nothing', async () => {
    for (const route of everyRouteFamily()) {
      const answer = await shop.request(route.service, route.method, route.path, {
        json: route.json,
        anonymous: true,
      });
      const name = `${route.service} ${route.method} ${route.path}`;
      assert.equal(answer.status, 401, `${name}: ${JSON.stringify(answer.body)}`);
      assert.equal(errorOf(answer).error, 'UNAUTHORIZED', name);
      assert.ok(errorOf(answer).message, `${name}: has a message`);
      assert.match(answer.headers['www-authenticate'] ?? '', /^Bearer /, name);
    }
    await assertNothingChanged();
  });

  it('a valid token without the right is 403 FORBIDDEN, and changes nothing', async () => {
    const routes = everyRouteFamily();
    const route = (service: ShopService, method: string, path: string) => {
      const found = routes.find(
        (candidate) => candidate.service === service && candidate.method === method && candidate.path.startsWith(path),
      );
      assert.ok(found, `${service} ${method} ${path}`);
      return found;
    };
    const customer = ['a customer', await tokens.customer(bob)] as const;
    const admin = ['an admin', await tokens.admin()] as const;
    const coordinator = ['the coordinator', await coordinatorToken()] as const;
    const orderService = ['the order service', await tokens.service('order')] as const;
    const refused = [
      [customer, route('order', 'PUT', '/catalog/')],
      [customer, route('order', 'PUT', '/admin/faults')],
      [customer, route('inventory', 'PUT', '/inventory/')],
      [customer, route('payment', 'PUT', '/accounts/')],
      [customer, route('orchestrator', 'GET', '/sagas?')],
      [customer, route('orchestrator', 'GET', '/sagas/')],
      [customer, route('coordinator', 'GET', '/transactions/')],
      [customer, route('coordinator', 'GET', '/transactions?')],
      [customer, route('coordinator', 'POST', '/transactions')],
      [customer, route('coordinator', 'PUT', '/admin/crash-point')],
      [customer, route('payment', 'POST', '/2pc/')],
      [customer, route('inventory', 'GET', '/2pc/prepared')],
      [admin, route('coordinator', 'POST', '/transactions')],
      [admin, route('order', 'POST', '/2pc/')],
      [coordinator, route('coordinator', 'POST', '/transactions')],
      [coordinator, route('order', 'GET', '/orders')],
      [coordinator, route('payment', 'GET', '/accounts/')],
      [orderService, route('inventory', 'POST', '/2pc/')],
      [orderService, route('orchestrator', 'GET', '/sagas?')],
      [orderService, route('coordinator', 'GET', '/transactions?')],
    ] as const;
    for (const [[caller, token], target] of refused) {
      const answer = await send(target, bearer(token));
      const name = `${caller} on ${target.service} ${target.method} ${target.path}`;
      assert.equal(answer.status, 403, `${name}: ${JSON.stringify(answer.body)}`);
      assert.equal(errorOf(answer).error, 'FORBIDDEN', name);
      assert.ok(errorOf(answer).message, `${name}: has a message`);
    }
    const started = route('coordinator', 'POST', '/transactions').json as { transactionId: string };
    const transaction = await shop.request('coordinator', 'GET', `/transactions/${started.transactionId}`);
    assert.equal(transaction.status, 404, 'no transaction was started');
    await assertNothingChanged();
  });

  it('a forged, expired, unsigned, tampered or foreign token is 401, and an admin route it aims at changes nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'dtx-forger-'));
    try {
      const forger = await LocalIssuer.fromKeyFile((await ensureLocalKeys(join(directory, 'keys'))).privateKeyFile);
      const ownKey = (await ensureLocalKeys(localKeysDirectory())).privateKeyFile;
      const otherIssuer = await LocalIssuer.fromKeyFile(ownKey, { issuer: 'someone-else' });
      const otherAudience = await LocalIssuer.fromKeyFile(ownKey, { audience: 'another-system' });
      const admin = { subject: 'ops', scopes: ['admin'] };
      const badTokens: [string, string][] = [
        ['signed by another key', await forger.issue(admin)],
        ['expired', await issuer.issue({ ...admin, ttlSeconds: -10 })],
        [
          'unsigned (alg none)',
          unsignedToken({
            iss: issuer.issuer,
            aud: issuer.audience,
            sub: 'ops',
            scope: 'admin',
            exp: Math.floor(Date.now() / 1000) + 3_600,
          }),
        ],
        ["a customer's, promoted to admin", tampered(await tokens.customer(bob), { scope: 'admin' })],
        ['of another issuer', await otherIssuer.issue(admin)],
        ['for another audience', await otherAudience.issue(admin)],
        ['not a JWT', 'not-a-token'],
      ];
      const targets: Route[] = [
        { service: 'order', method: 'PUT', path: `/catalog/${sku}`, json: { unitPrice: 1 } },
        { service: 'inventory', method: 'PUT', path: `/inventory/${sku}`, json: { available: 1 } },
        { service: 'payment', method: 'PUT', path: `/accounts/${alice}`, json: { balance: 1 } },
      ];
      for (const [kind, token] of badTokens) {
        for (const target of targets) {
          const answer = await send(target, bearer(token));
          const name = `a token ${kind} on ${target.service} ${target.method} ${target.path}`;
          assert.equal(answer.status, 401, `${name}: ${JSON.stringify(answer.body)}`);
          assert.equal(errorOf(answer).error, 'UNAUTHORIZED', name);
          assert.match(answer.headers['www-authenticate'] ?? '', /^Bearer /, name);
        }
      }
      const basic = await send(targets[0] as Route, { authorization: 'Basic b3BzOm9wcw==' });
      assert.equal(basic.status, 401, 'only bearer tokens are accepted');
      await assertNothingChanged();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("a customer reads only their own orders, account and payments: another's order is 404, listing another's is 403", async () => {
    const asBob = shop.asCustomer(bob);
    const asAlice = shop.asCustomer(alice);

    const othersOrder = await asBob.request('order', 'GET', `/orders/${aliceOrder.orderId}`);
    const unknownOrder = await asBob.request('order', 'GET', `/orders/${randomUUID()}`);
    assert.deepEqual(
      [othersOrder.status, errorOf(othersOrder).error],
      [unknownOrder.status, errorOf(unknownOrder).error],
      "another customer's order looks like no order at all",
    );
    assert.equal(othersOrder.status, 404);
    assert.equal((await asBob.request('payment', 'GET', `/accounts/${alice}`)).status, 404);
    assert.deepEqual(await asBob.paymentsOfOrder(aliceOrder.orderId), []);
    const othersList = await asBob.request('order', 'GET', `/orders?customerId=${alice}`);
    assert.equal(othersList.status, 403);
    assert.equal(errorOf(othersList).error, 'FORBIDDEN');
    assert.deepEqual(
      (await asBob.listOrders()).items,
      [],
      'without a customerId a customer lists their own orders only',
    );

    assert.equal((await asAlice.getOrder(aliceOrder.orderId)).orderId, aliceOrder.orderId);
    assert.deepEqual(
      (await asAlice.listOrders()).items.map((order) => order.orderId),
      [aliceOrder.orderId],
    );
    assert.equal((await asAlice.getAccount(alice)).balance, 9_750);
    assert.deepEqual(
      (await asAlice.paymentsOfOrder(aliceOrder.orderId)).map((payment) => [payment.status, payment.amount]),
      [['CAPTURED', 250]],
    );
    assert.equal((await asBob.getStock(sku)).available, 99, 'stock and prices are for every customer to read');
    assert.equal((await asBob.getPrice(sku)).unitPrice, 250);
  });

  it('a customer cannot order for another customer (403), and an admin must name the customer (400); nothing is created', async () => {
    const forAlice = await shop.asCustomer(bob).request('order', 'POST', '/orders', {
      json: { customerId: alice, mode: '2pc', items: [{ sku, quantity: 1 }] },
      headers: { 'Idempotency-Key': unique('key') },
    });
    assert.equal(forAlice.status, 403, JSON.stringify(forAlice.body));
    assert.equal(errorOf(forAlice).error, 'FORBIDDEN');

    const nobody = await shop.request('order', 'POST', '/orders', {
      json: { mode: '2pc', items: [{ sku, quantity: 1 }] },
      headers: { 'Idempotency-Key': unique('key') },
    });
    assert.equal(nobody.status, 400, JSON.stringify(nobody.body));
    assert.ok(errorOf(nobody).details?.some((detail) => detail.path === 'customerId'));

    // A subject the provider may issue but that is no customer id here: refused before anything is written.
    const foreignSubject = await shop.request('order', 'POST', '/orders', {
      json: { mode: '2pc', items: [{ sku, quantity: 1 }] },
      headers: {
        'Idempotency-Key': unique('key'),
        authorization: `Bearer ${await issuer.issue({ subject: 'auth0|4f1c2a' })}`,
      },
    });
    assert.equal(foreignSubject.status, 403, JSON.stringify(foreignSubject.body));
    assert.equal(errorOf(foreignSubject).details?.[0]?.path, 'sub');

    assert.equal(await ordersOf(alice), 1);
    assert.equal(await ordersOf(bob), 0);
    await assertNothingChanged();
  });

  it('two customers using the same Idempotency-Key get an order each; each replay returns its own', async () => {
    const [ownSku, carol, dave, key] = [unique('sku'), unique('carol'), unique('dave'), unique('key')];
    await shop.setStock(ownSku, 10);
    await shop.setPrice(ownSku, 250);
    await shop.setBalance(carol, 1_000);
    await shop.setBalance(dave, 1_000);
    const order: PlaceOrderRequest = { mode: '2pc', items: [{ sku: ownSku, quantity: 1 }] };

    const carols = await shop.asCustomer(carol).placeOrder(order, { idempotencyKey: key });
    const daves = await shop.asCustomer(dave).placeOrder(order, { idempotencyKey: key });
    const carolsAgain = await shop.asCustomer(carol).placeOrder(order, { idempotencyKey: key });

    assert.deepEqual([carols.status, daves.status], [201, 201]);
    assert.notEqual(carols.body.orderId, daves.body.orderId);
    assert.deepEqual(carolsAgain, carols);
    assert.equal((await shop.getOrder(carols.body.orderId)).customerId, carol);
    assert.equal((await shop.getOrder(daves.body.orderId)).customerId, dave);
    assert.deepEqual([await ordersOf(carol), await ordersOf(dave)], [1, 1]);
    assert.deepEqual([(await shop.getAccount(carol)).balance, (await shop.getAccount(dave)).balance], [750, 750]);
    assert.equal((await shop.getStock(ownSku)).available, 8, 'one unit each, not one for both nor three');
  });

  it('prices come from the catalog: a price left out is filled in, a wrong one is 409, an unknown SKU 422, a new price applies to new orders', async () => {
    const [pricedSku, erin] = [unique('sku'), unique('erin')];
    await shop.setStock(pricedSku, 10);
    await shop.setPrice(pricedSku, 400);
    await shop.setBalance(erin, 10_000);
    const asErin = shop.asCustomer(erin);
    const post = (items: unknown[], key = unique('key')) =>
      asErin.request('order', 'POST', '/orders', {
        json: { mode: '2pc', items },
        headers: { 'Idempotency-Key': key },
      });

    const unpriced = await asErin.placeOrder({ mode: '2pc', items: [{ sku: pricedSku, quantity: 3 }] });
    assert.equal(unpriced.status, 201, JSON.stringify(unpriced.body));
    const filledIn = await shop.getOrder(unpriced.body.orderId);
    assert.equal(filledIn.total, 1_200);
    assert.deepEqual(filledIn.items, [{ sku: pricedSku, quantity: 3, unitPrice: 400 }]);

    const earlierKey = unique('key');
    const atOldPrice = await post([{ sku: pricedSku, quantity: 1, unitPrice: 400 }], earlierKey);
    assert.equal(atOldPrice.status, 201, JSON.stringify(atOldPrice.body));

    await shop.setPrice(pricedSku, 450);
    const ordersBefore = await ordersOf(erin);

    const stale = await post([{ sku: pricedSku, quantity: 1, unitPrice: 400 }]);
    assert.equal(stale.status, 409, JSON.stringify(stale.body));
    assert.equal(errorOf(stale).error, 'PRICE_CHANGED');
    assert.deepEqual(
      errorOf(stale).details?.map((detail) => detail.path),
      ['items[0].unitPrice'],
    );
    const unknown = await post([{ sku: unique('nosuch'), quantity: 1 }]);
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
    assert.equal(errorOf(unknown).error, 'UNKNOWN_SKU');
    assert.deepEqual(
      errorOf(unknown).details?.map((detail) => detail.path),
      ['items[0].sku'],
    );
    assert.equal(await ordersOf(erin), ordersBefore, 'a refused order creates nothing');
    assert.equal((await shop.getStock(pricedSku)).available, 6);

    const replay = await post([{ sku: pricedSku, quantity: 1, unitPrice: 400 }], earlierKey);
    assert.deepEqual(
      [replay.status, replay.body],
      [atOldPrice.status, atOldPrice.body],
      'a replay of a request placed before the price changed gets its first answer',
    );

    const atNewPrice = await asErin.placeOrder({ mode: '2pc', items: [{ sku: pricedSku, quantity: 2 }] });
    assert.equal(atNewPrice.status, 201, JSON.stringify(atNewPrice.body));
    assert.equal((await shop.getOrder(atNewPrice.body.orderId)).total, 900);
    assert.deepEqual(
      (await shop.paymentsOfOrder(atNewPrice.body.orderId)).map((payment) => [payment.status, payment.amount]),
      [['CAPTURED', 900]],
    );
    assert.equal(
      (await shop.getOrder(unpriced.body.orderId)).total,
      1_200,
      'an order keeps the price it was placed at',
    );
    assert.equal((await shop.getAccount(erin)).balance, 10_000 - 1_200 - 400 - 900);
  });

  it("2PC participant routes: a customer's or an admin's prepare is 403 and prepares nothing; the coordinator's for another order is 422", async () => {
    const transactionId = randomUUID();
    const path = (id: string, step: string) => `/2pc/transactions/${id}/${step}`;
    const work = {
      orderId: transactionId,
      customerId: bob,
      items: [{ sku, quantity: 5, unitPrice: 250 }],
      total: 1_250,
    };

    const callers: [string, string][] = [
      ['a customer', await tokens.customer(bob)],
      ['an admin', await tokens.admin()],
    ];
    for (const [caller, token] of callers) {
      const answer = await shop.request('inventory', 'POST', path(transactionId, 'prepare'), {
        json: work,
        headers: bearer(token),
      });
      assert.equal(answer.status, 403, `${caller}: ${JSON.stringify(answer.body)}`);
      assert.equal(errorOf(answer).error, 'FORBIDDEN');
    }
    const otherTransaction = randomUUID();
    const mismatched = await asCoordinator(system, 'inventory', path(otherTransaction, 'prepare'), work);
    assert.equal(mismatched.status, 422, JSON.stringify(mismatched.body));
    assert.equal(errorOf(mismatched).error, 'TRANSACTION_MISMATCH');
    const mismatchedAbort = await asCoordinator(system, 'payment', path(otherTransaction, 'abort'), {
      orderId: transactionId,
      reason: 'TIMEOUT',
    });
    assert.equal(mismatchedAbort.status, 422, JSON.stringify(mismatchedAbort.body));
    assert.equal(errorOf(mismatchedAbort).error, 'TRANSACTION_MISMATCH');

    assert.deepEqual(await preparedTransactions(system), []);
    for (const participant of ['inventory', 'payment'] as const) {
      assert.deepEqual(
        await queryDatabase(
          system,
          participant,
          'SELECT gid FROM two_phase_participations WHERE transaction_id = ANY($1::uuid[])',
          [[transactionId, otherTransaction]],
        ),
        [],
        `${participant} recorded nothing of either transaction`,
      );
    }
    await assertNothingChanged();
  });

  it('an order id in upper case is the same id: the coordinator, the participants and the order service find it', async () => {
    const upper = aliceOrder.orderId.toUpperCase();
    assert.notEqual(upper, aliceOrder.orderId);

    const asAdmin = await shop.request('coordinator', 'GET', `/transactions/${upper}`);
    assert.equal(asAdmin.status, 200, JSON.stringify(asAdmin.body));
    assert.deepEqual(
      [(asAdmin.body as { id: string }).id, (asAdmin.body as { state: string }).state],
      [aliceOrder.orderId, 'COMMITTED'],
    );
    const asParticipant = await shop.request('coordinator', 'GET', `/transactions/${upper}`, {
      headers: bearer(await tokens.service('payment')),
    });
    assert.equal(asParticipant.status, 200, 'any service identity may look a transaction up');

    for (const participant of ['order', 'inventory', 'payment'] as const) {
      const commit = await asCoordinator(system, participant, `/2pc/transactions/${upper}/commit`);
      assert.deepEqual(
        [commit.status, commit.body],
        [200, { outcome: 'COMMITTED' }],
        `${participant}: a repeated commit of a committed transaction`,
      );
    }
    assert.equal((await shop.asCustomer(alice).getOrder(upper)).orderId, aliceOrder.orderId);
    assert.equal((await shop.asCustomer(alice).paymentsOfOrder(upper)).length, 1);
    await assertNothingChanged();
  });

  it('health, metrics and the API description need no token', async () => {
    for (const service of SERVICE_NAMES) {
      for (const path of ['/health/live', '/health/ready', '/metrics', '/docs/openapi.json']) {
        const answer = await shop.request(service, 'GET', path, { anonymous: true });
        assert.equal(answer.status, 200, `${service} ${path}: ${JSON.stringify(answer.body)}`);
      }
    }
  });
});
