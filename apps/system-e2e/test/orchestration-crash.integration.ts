import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ShopClient } from '@dtx/shop-client';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';
import { sagaUntil } from './support/sagas.js';
import { eventually, shopClientOf } from './support/shop-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('orchestration survives a crash of the orchestrator', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'orchestrator'], {
      environment: { SAGA_STEP_TIMEOUT_MS: '5000', SAGA_STEP_MAX_ATTEMPTS: '3', SAGA_TIMER_POLL_INTERVAL_MS: '100' },
    });
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  it('the orchestrator killed (SIGKILL) with 100 sagas in flight and restarted: every saga finishes, invariants hold', async () => {
    const sku = unique('kill');
    const customers = Array.from({ length: 100 }, (_, index) => unique(`k${index}`));
    await shop.setStock(sku, 60);
    await shop.setPrice(sku, 400);
    await Promise.all(customers.map((customer) => shop.setBalance(customer, 1_000)));

    const placed = await Promise.all(
      customers.map((customerId) =>
        shop.placeOrder({ customerId, mode: 'orchestration', items: [{ sku, quantity: 1, unitPrice: 400 }] }),
      ),
    );
    await sleep(300);
    await system.kill('orchestrator');
    await sleep(1_000);
    await system.restart('orchestrator');
    const orders = await Promise.all(
      placed.map((answer) => shop.finalOrder(answer.body.orderId, { timeoutMs: 120_000 })),
    );

    const confirmed = orders.filter((order) => order.status === 'CONFIRMED').length;
    const cancelled = orders.filter((order) => order.status === 'CANCELLED');
    assert.equal(confirmed + cancelled.length, 100, 'every order is final');
    assert.ok(confirmed <= 60, 'no stock oversold');
    assert.ok(confirmed >= 50, `the sagas went on after the restart (${confirmed} confirmed)`);
    assert.ok(cancelled.every((order) => order.reason === 'OUT_OF_STOCK' || order.reason === 'TIMEOUT'));
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 60 - confirmed && stock.reserved === 0,
    );
    const accounts = await eventually(
      () => Promise.all(customers.map((customer) => shop.getAccount(customer))),
      (all) => all.every((account) => account.reserved === 0),
    );
    assert.equal(
      accounts.reduce((sum, account) => sum + account.balance, 0),
      100 * 1_000 - confirmed * 400,
      'money conserved, nobody charged twice',
    );
    const payments = (await Promise.all(orders.map((order) => shop.paymentsOfOrder(order.orderId)))).flat();
    assert.equal(payments.filter((payment) => payment.status === 'CAPTURED').length, confirmed);
    const sagas = await Promise.all(
      orders.map((order) =>
        sagaUntil(system, order.orderId, (saga) => saga.state === 'COMPLETED' || saga.state === 'COMPENSATED'),
      ),
    );
    assert.equal(sagas.filter((saga) => saga.state === 'COMPLETED').length, confirmed);
  });
});
