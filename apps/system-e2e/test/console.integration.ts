import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localIssuer } from '@dtx/auth';
import { CONSOLE_USER } from '@dtx/messaging';
import type { ShopClient } from '@dtx/shop-client';
import {
  repositoryRoot,
  startConsoleProcess,
  startSystem,
  type RunningSystem,
  type ServiceProcess,
} from '@dtx/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { eventually, shopClientOf } from './support/shop-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const ARTIFACTS = join(repositoryRoot(), '.local/test-artifacts/console');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * The operator console in a real browser (Debian's Chromium, driven by
 * playwright-core), against the real services on real PostgreSQL, Kafka and
 * Jaeger: what a person signing in would look for on each page. Screenshots
 * go to .local/test-artifacts/console/.
 */
describe('the operator console, in a browser', () => {
  const jaegerUrl = process.env['TEST_JAEGER_URL'];
  const otlpEndpoint = process.env['TEST_JAEGER_OTLP_ENDPOINT'];
  let system: RunningSystem;
  let shop: ShopClient;
  let consoleProcess: ServiceProcess;
  let consoleUrl: string;
  let userDataDir: string;
  let browser: BrowserContext;
  let page: Page;
  const orders: Record<'compensated' | 'choreographed' | 'twoPhase', string> = {
    compensated: '',
    choreographed: '',
    twoPhase: '',
  };
  const [sku, scarce, rich, poor] = [unique('sku'), unique('scarce'), unique('rich'), unique('poor')];

  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  before(async () => {
    assert.ok(
      jaegerUrl && otlpEndpoint,
      'TEST_JAEGER_URL and TEST_JAEGER_OTLP_ENDPOINT are not set: start Jaeger with `bash scripts/infra/jaeger.sh up` (npm test does)',
    );
    const tracing = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint ?? '',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    system = await startSystem(['order', 'inventory', 'payment', 'orchestrator', 'coordinator'], {
      environment: tracing,
    });
    shop = shopClientOf(system);
    consoleProcess = await startConsoleProcess(system, CONSOLE_USER, {
      JAEGER_QUERY_URL: jaegerUrl ?? '',
      // A loaded CI machine can take longer than the 2 s an operator waits by default.
      CONSOLE_UPSTREAM_TIMEOUT_MS: '10000',
      ...tracing,
    });
    consoleUrl = consoleProcess.baseUrl;

    await mkdir(ARTIFACTS, { recursive: true });
    userDataDir = await mkdtemp(join(tmpdir(), 'dtx-console-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);

    await shop.setPrice(sku, 100);
    await shop.setStock(sku, 10);
    await shop.setPrice(scarce, 100);
    await shop.setStock(scarce, 0);
    await shop.setBalance(rich, 10_000);
    await shop.setBalance(poor, 10);
  });

  after(async () => {
    await browser?.close();
    if (userDataDir) {
      await rm(userDataDir, { recursive: true, force: true });
    }
    await consoleProcess?.stop();
    await system?.shutdown();
  });

  it('places a compensated orchestrated order, a choreographed order and a 2PC order through the API', async () => {
    const compensated = await shop.placeOrder({
      customerId: poor,
      mode: 'orchestration',
      items: [{ sku, quantity: 1 }],
    });
    const choreographed = await shop.placeOrder({
      customerId: rich,
      mode: 'choreography',
      items: [{ sku, quantity: 2 }],
    });
    const twoPhase = await shop.placeOrder({ customerId: rich, mode: '2pc', items: [{ sku: scarce, quantity: 1 }] });
    orders.compensated = compensated.body.orderId;
    orders.choreographed = choreographed.body.orderId;
    orders.twoPhase = twoPhase.body.orderId;
    assert.equal((await shop.finalOrder(orders.compensated)).reason, 'PAYMENT_DECLINED');
    assert.equal((await shop.finalOrder(orders.choreographed)).status, 'CONFIRMED');
    assert.equal((await shop.finalOrder(orders.twoPhase)).reason, 'OUT_OF_STOCK');
  });

  it('sends a visitor to sign in, refuses a customer token, admits an admin token and lists the orders', async () => {
    await page.goto(`${consoleUrl}/orders`);
    assert.match(page.url(), /\/sign-in\?next=%2Forders$/);
    const issuer = await localIssuer();
    await page.fill('#token', await issuer.issue({ subject: rich, ttlSeconds: 600 }));
    await page.click('button[type=submit]');
    assert.match((await page.textContent('.error-box')) ?? '', /no admin scope/);

    await page.fill('#token', await issuer.issue({ subject: 'operator-ada', scopes: ['admin'], ttlSeconds: 3_600 }));
    await navigatedBy(() => page.click('button[type=submit]'), /\/orders$/);
    assert.match((await page.textContent('header .who')) ?? '', /operator-ada/);
    const cookie = (await browser.cookies(consoleUrl)).find((found) => found.name === 'dtx_console_session');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');

    const listed = await page.$$eval('#orders tbody tr td:first-child a', (links) =>
      links.map((link) => link.textContent),
    );
    assert.deepEqual(listed.slice(0, 3), [orders.twoPhase, orders.choreographed, orders.compensated], 'newest first');
    assert.equal(await page.textContent('[data-count=CANCELLED]'), '2');
    await page.selectOption('select[name=mode]', '2pc');
    await navigatedBy(() => page.click('form.filters button[type=submit]'), /[?&]mode=2pc/);
    const filtered = await page.$$eval('#orders tbody tr td:first-child a', (links) =>
      links.map((link) => link.textContent),
    );
    assert.deepEqual(filtered, [orders.twoPhase]);
    await page.goto(`${consoleUrl}/orders`);
    await screenshot('orders');
  });

  it("shows a compensated orchestrated order's steps in order, its messages in causal order and its trace", async () => {
    await navigatedBy(() => page.click(`#orders a[href="/orders/${orders.compensated}"]`), /\/orders\/[^/?]+$/);
    assert.equal(await page.textContent('#order-id'), orders.compensated);
    assert.equal(await page.textContent('#reason'), 'PAYMENT_DECLINED');
    const steps = await page.$$eval('#saga-steps tbody tr', (rows) =>
      rows.map((row) => `${row.getAttribute('data-step')} ${row.getAttribute('data-kind')}`),
    );
    const problems = await page.$$eval('.error-box', (boxes) => boxes.map((box) => box.textContent));
    assert.deepEqual(problems, [], 'the page reports no problem reaching a service');
    assert.deepEqual(steps, [
      'create-order action',
      'reserve-stock action',
      'authorize-payment action',
      'reserve-stock compensation',
      'create-order compensation',
    ]);
    const messages = await page.$$eval('#messages tbody tr', (rows) =>
      rows.map((row) => [row.getAttribute('data-type'), Number(row.getAttribute('data-lamport'))] as const),
    );
    assert.deepEqual(
      messages.map(([type]) => type),
      [
        'OrderCreated',
        'ReserveStock',
        'SagaReply',
        'AuthorizePayment',
        'SagaReply',
        'ReleaseStock',
        'SagaReply',
        'RejectOrder',
        'SagaReply',
      ],
    );
    assert.ok(
      messages.every(([, lamport], index) => index === 0 || lamport > (messages[index - 1]?.[1] ?? 0)),
      'each after its cause, in Lamport time',
    );
    assert.equal(await page.$('text=Read from the topics'), null, "from the console's index, not a topic scan");

    await waitForWaterfall(['order', 'inventory', 'payment', 'orchestrator'], true);
    const compensation = page.locator('.span-row.compensation', {
      hasText: 'saga create-order compensate reserve-stock',
    });
    await compensation.locator('summary').click();
    assert.match((await compensation.locator('table.attributes').textContent()) ?? '', /saga\.compensation\s*true/);
    await screenshot('order-orchestrated-compensated');
  });

  it("shows a choreographed order's messages and trace, and a 2PC order's votes and decision", async () => {
    await page.goto(`${consoleUrl}/orders/${orders.choreographed}`);
    const types = await page.$$eval('#messages tbody tr', (rows) => rows.map((row) => row.getAttribute('data-type')));
    assert.equal(types[0], 'OrderCreated');
    for (const type of ['StockReserved', 'PaymentAuthorized', 'OrderConfirmed']) {
      assert.ok(types.includes(type), `${type} in ${types.join(', ')}`);
    }
    await waitForWaterfall(['order', 'inventory', 'payment'], false);
    await screenshot('order-choreographed');

    await page.goto(`${consoleUrl}/orders/${orders.twoPhase}`);
    const votes = await page.$$eval('#votes tbody tr', (rows) =>
      rows.map((row) => `${row.getAttribute('data-participant')} ${row.querySelector('td:nth-child(2)')?.textContent}`),
    );
    assert.ok(votes.includes('inventory NO'), votes.join(', '));
    assert.match((await page.textContent('main p')) ?? '', /decision\s*ABORTED/);
    await screenshot('order-2pc');
  });

  it('replays a dead letter from the page: the order then finishes, and nothing happens twice', async () => {
    const customer = unique('replayed');
    await shop.setBalance(customer, 1_000);
    const faults = await shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 1 } });
    assert.equal(faults.status, 200);
    let orderId = '';
    try {
      orderId = (await shop.placeOrder({ customerId: customer, mode: 'choreography', items: [{ sku, quantity: 1 }] }))
        .body.orderId;
      await eventually(
        async () => {
          await page.goto(`${consoleUrl}/dead-letters`);
          return page.locator(`tr[data-order-id="${orderId}"]`).count();
        },
        (count) => count > 0,
        120_000,
      );
    } finally {
      await shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 0 } });
    }
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    assert.equal(await row.getAttribute('data-reason'), 'HANDLER_FAILED');
    assert.match((await row.textContent()) ?? '', /inventory\.reservations/);
    await screenshot('dead-letters');
    assert.equal((await shop.getOrder(orderId)).status, 'PENDING');

    await row.locator('button[data-replay]').click();
    assert.match((await page.textContent('#replay-notice')) ?? '', /Replayed 1 dead letter/);
    assert.match((await page.locator(`tr[data-order-id="${orderId}"] td.replays`).textContent()) ?? '', /operator-ada/);
    assert.equal((await shop.finalOrder(orderId)).status, 'CONFIRMED');
    const settled = await eventually(
      async () => ({
        account: await shop.getAccount(customer),
        payments: (await shop.paymentsOfOrder(orderId)).map((payment) => [payment.status, payment.amount]),
      }),
      (state) => state.account.reserved === 0,
    );
    assert.deepEqual(settled, {
      account: { customerId: customer, balance: 900, reserved: 0 },
      payments: [['CAPTURED', 100]],
    });

    await page.goto(`${consoleUrl}/orders/${orderId}`);
    assert.ok((await page.locator('#messages .flag.dl').count()) > 0, 'the dead letter is in the timeline');
    assert.ok(
      (await page.locator('#messages .flag.replay', { hasText: 'operator-ada' }).count()) > 0,
      'so is the replay',
    );
    await screenshot('order-replayed');
  });

  it('refuses a replay without the page’s anti-CSRF token, and shows the 2PC transactions in doubt', async () => {
    const cookies = await browser.cookies(consoleUrl);
    const session = cookies.find((cookie) => cookie.name === 'dtx_console_session')?.value ?? '';
    const forged = await fetch(`${consoleUrl}/dead-letters/replay-reason`, {
      method: 'POST',
      headers: { cookie: `dtx_console_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reason=HANDLER_FAILED',
      redirect: 'manual',
    });
    assert.equal(forged.status, 403);

    await page.goto(`${consoleUrl}/in-doubt`);
    assert.match((await page.textContent('main')) ?? '', /Not finished at the coordinator/);
    for (const participant of ['order', 'inventory', 'payment']) {
      assert.match((await page.textContent('main')) ?? '', new RegExp(`Prepared at ${participant}`));
    }
    await screenshot('in-doubt');

    await navigatedBy(() => page.click('header button[type=submit]'), /\/sign-in$/);
  });

  /**
   * Clicks, then waits until the page the click leads to has loaded: a click only waits for
   * the navigation to start, and on a loaded machine reading the page at once can still
   * read the one before it.
   */
  async function navigatedBy(click: () => Promise<void>, url: RegExp): Promise<void> {
    await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), click()]);
    assert.match(page.url(), url);
  }

  /** Reloads the order page until its trace's waterfall has spans of every service named (and a compensation, if asked). */
  async function waitForWaterfall(services: string[], compensation: boolean): Promise<void> {
    await eventually(
      async () => {
        await page.reload();
        const shown = await page.$$eval('#waterfall [data-service-group]', (groups) =>
          groups.map((group) => group.getAttribute('data-service-group')),
        );
        const compensations = await page.locator('#waterfall .span-row.compensation').count();
        return { shown, compensations };
      },
      ({ shown, compensations }) =>
        services.every((service) => shown.includes(service)) && (!compensation || compensations >= 2),
      60_000,
    );
  }
});
