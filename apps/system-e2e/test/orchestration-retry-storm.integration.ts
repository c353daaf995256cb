import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ShopClient } from '@dtx/shop-client';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';
import { counterTotal } from './support/kafka-trail.js';
import { sagaOf } from './support/sagas.js';
import { shopClientOf } from './support/shop-client.js';

const STEP_TIMEOUT_MS = 1_000;
const ORDERS = 200;

/**
 * A participant that stops answering while its commands queue up is slow,
 * not dead: the orchestrator waits for the backlog instead of sending every
 * command again at every deadline, and accepts the replies when they come.
 */
describe('orchestration: payment paused for several step deadlines while hundreds of sagas wait on it', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'orchestrator'], {
      environment: { SAGA_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS), SAGA_TIMER_POLL_INTERVAL_MS: '100' },
    });
    shop = shopClientOf(system);
  });
  after(async () => {
    process.kill(system.process('payment').pid, 'SIGCONT');
    await system?.shutdown();
  });

  it('no command is sent twice, no order is cancelled with TIMEOUT, and all are final within 60 s of the resume', async () => {
    const [sku, customer] = [`sku-${randomUUID()}`, `ada-${randomUUID()}`];
    await shop.setStock(sku, ORDERS);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, ORDERS * 100);
    const payment = system.process('payment').pid;

    process.kill(payment, 'SIGSTOP');
    const orderIds: string[] = [];
    for (let first = 0; first < ORDERS; first += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, ORDERS - first) }, () =>
          shop.placeOrder({
            customerId: customer,
            mode: 'orchestration',
            items: [{ sku, quantity: 1, unitPrice: 100 }],
          }),
        ),
      );
      orderIds.push(...batch.map((placed) => placed.body.orderId));
    }
    await sleep(8 * STEP_TIMEOUT_MS);
    const deferred = await counterTotal(system.url('orchestrator'), 'saga_timers_deferred_total');
    process.kill(payment, 'SIGCONT');
    const resumedAt = Date.now();

    assert.ok(deferred >= ORDERS, `overdue timers were re-armed while the commands were queued (${deferred})`);
    const orders = await Promise.all(orderIds.map((orderId) => shop.finalOrder(orderId, { timeoutMs: 60_000 })));
    const finishedAt = Date.now();
    assert.deepEqual(
      orders.filter((order) => order.status !== 'CONFIRMED').map((order) => order.reason),
      [],
      'every order confirmed',
    );
    assert.ok(finishedAt - resumedAt <= 60_000, `final ${finishedAt - resumedAt} ms after the resume`);
    for (const orderId of orderIds.slice(0, 20)) {
      const saga = await sagaOf(system, orderId);
      const authorize = saga.steps.find((step) => step.name === 'authorize-payment' && step.kind === 'action');
      assert.equal(authorize?.attempts, 1, `AuthorizePayment of ${orderId} was sent once`);
    }
    assert.equal(await counterTotal(system.url('orchestrator'), 'saga_replies_ignored_total'), 0);
  });
});
