import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMessage } from '@dtx/contracts';
import type { ShopClient } from '@dtx/shop-client';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { counterTotal } from './support/kafka-trail.js';
import { repliesAbout, sagaOf, sagaUntil, sendToTopic, withFaults } from './support/sagas.js';
import { eventually, shopClientOf } from './support/shop-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const stepLines = (saga: { steps: { name: string; kind: string; status: string }[] }) =>
  saga.steps.map((step) => `${step.kind} ${step.name} ${step.status}`);

describe('orders by orchestration: the orchestrator drives order, inventory and payment', () => {
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'orchestrator'], {
      environment: {
        SAGA_STEP_TIMEOUT_MS: '1500',
        SAGA_STEP_MAX_ATTEMPTS: '2',
        SAGA_STEP_PATIENCE_MS: '4000',
        SAGA_RETRY_INITIAL_DELAY_MS: '100',
        SAGA_RETRY_MAX_DELAY_MS: '500',
        SAGA_ATTENTION_AFTER_ATTEMPTS: '3',
        SAGA_TIMER_POLL_INTERVAL_MS: '100',
      },
    });
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  it('confirms an order placed without a mode (orchestration is the default)', async () => {
    const [sku, customer] = [unique('sku'), unique('olga')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 1_500);
    await shop.setBalance(customer, 10_000);
    const placed = await shop.placeOrder({ customerId: customer, items: [{ sku, quantity: 2, unitPrice: 1_500 }] });
    assert.equal(placed.body.mode, 'orchestration');

    const order = await shop.finalOrder(placed.body.orderId);
    assert.equal(order.status, 'CONFIRMED');
    const saga = await sagaUntil(system, order.orderId, (found) => found.state === 'COMPLETED');
    assert.equal(saga.steps.length, 6, JSON.stringify(saga.steps));
    assert.deepEqual(stepLines({ steps: saga.steps.slice(0, 3) }), [
      'action create-order SUCCEEDED',
      'action reserve-stock SUCCEEDED',
      'action authorize-payment SUCCEEDED',
    ]);
    // After the pivot, capture, commit and approve run in parallel: all sent in the transaction
    // that recorded the authorisation, whatever order their replies came back in.
    const completion = saga.steps.slice(3);
    assert.deepEqual(completion.map((step) => `${step.group} ${step.kind} ${step.name} ${step.status}`).sort(), [
      'complete-order action approve-order SUCCEEDED',
      'complete-order action capture-payment SUCCEEDED',
      'complete-order action commit-stock SUCCEEDED',
    ]);
    const authorized = saga.steps[2]?.endedAt;
    assert.ok(authorized);
    assert.ok(completion.every((step) => step.startedAt === authorized && step.attempts === 1));
    assert.deepEqual(await shop.getStock(sku), { sku, available: 3, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 7_000, reserved: 0 });
    assert.deepEqual(
      (await shop.paymentsOfOrder(order.orderId)).map((payment) => payment.status),
      ['CAPTURED'],
    );
  });

  it('counts sagas, orders and step latencies in Prometheus metrics', async () => {
    const orchestrator = await (await fetch(`${system.url('orchestrator')}/metrics`)).text();
    assert.match(orchestrator, /saga_finished_total\{saga="create-order",status="COMPLETED",reason=""/);
    assert.match(
      orchestrator,
      /saga_step_duration_seconds_count\{[^}]*step="reserve-stock",kind="action",status="SUCCEEDED"\} [1-9]/,
    );
    const order = await (await fetch(`${system.url('order')}/metrics`)).text();
    assert.match(order, /orders\{mode="orchestration",status="CONFIRMED",reason=""[^}]*\} [1-9]/);
    assert.match(order, /outbox_relay_lag_seconds_count\{[^}]*\} [1-9]/);
    assert.match(order, /outbox_pending_messages\{[^}]*\} \d/);
    const inventory = await (await fetch(`${system.url('inventory')}/metrics`)).text();
    assert.match(inventory, /message_handling_seconds_count\{[^}]*type="ReserveStock"\} [1-9]/);
  });

  it('out of stock: the order is rejected, nothing else to undo', async () => {
    const [sku, customer] = [unique('sku'), unique('pete')];
    await shop.setStock(sku, 1);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 10_000);
    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'orchestration',
      items: [{ sku, quantity: 2, unitPrice: 100 }],
    });
    const order = await shop.finalOrder(placed.body.orderId);

    assert.deepEqual([order.status, order.reason], ['CANCELLED', 'OUT_OF_STOCK']);
    // The order is cancelled a moment before the orchestrator hears back that it is.
    const saga = await sagaUntil(system, order.orderId, (found) => found.state === 'COMPENSATED');
    assert.deepEqual(stepLines(saga), [
      'action create-order SUCCEEDED',
      'action reserve-stock FAILED',
      'compensation create-order SUCCEEDED',
    ]);
    assert.deepEqual(await shop.getStock(sku), { sku, available: 1, reserved: 0 });
    assert.deepEqual(await shop.paymentsOfOrder(order.orderId), []);
  });

  it('payment declined: the stock is released, then the order rejected', async () => {
    const [sku, customer] = [unique('sku'), unique('quinn')];
    await shop.setStock(sku, 3);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 50);
    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'orchestration',
      items: [{ sku, quantity: 1, unitPrice: 100 }],
    });
    const order = await shop.finalOrder(placed.body.orderId);

    assert.deepEqual([order.status, order.reason], ['CANCELLED', 'PAYMENT_DECLINED']);
    const saga = await sagaUntil(system, order.orderId, (found) => found.state === 'COMPENSATED');
    assert.deepEqual(stepLines(saga), [
      'action create-order SUCCEEDED',
      'action reserve-stock SUCCEEDED',
      'action authorize-payment FAILED',
      'compensation reserve-stock SUCCEEDED',
      'compensation create-order SUCCEEDED',
    ]);
    assert.deepEqual(await shop.getStock(sku), { sku, available: 3, reserved: 0 });
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 50, reserved: 0 });
  });

  it('inventory answers a ReleaseStock that came first (null compensation), then refuses the late ReserveStock (hanging)', async () => {
    const sku = unique('sku');
    await shop.setStock(sku, 4);
    const [orderId, sagaId] = [randomUUID(), randomUUID()];
    const meta = { source: 'orchestrator', aggregateId: orderId, correlationId: sagaId, causationId: null, lamport: 1 };
    await sendToTopic(system, 'inventory.commands', [
      createMessage('ReleaseStock', { sagaId, step: 'reserve-stock', attempt: 1, orderId }, meta),
      createMessage(
        'ReserveStock',
        {
          sagaId,
          step: 'reserve-stock',
          attempt: 1,
          orderId,
          customerId: 'x',
          total: 100,
          items: [{ sku, quantity: 1, unitPrice: 100 }],
        },
        meta,
      ),
      createMessage(
        'ReserveStock',
        {
          sagaId,
          step: 'reserve-stock',
          attempt: 2,
          orderId,
          customerId: 'x',
          total: 100,
          items: [{ sku, quantity: 1, unitPrice: 100 }],
        },
        meta,
      ),
    ]);
    const replies = await repliesAbout(system, orderId, 3);
    assert.deepEqual(
      replies.map((reply) => [reply.command, reply.attempt, reply.outcome]),
      [
        ['ReleaseStock', 1, 'StockReleased'],
        ['ReserveStock', 1, 'ActionRefused'],
        ['ReserveStock', 2, 'ActionRefused'],
      ],
    );
    assert.deepEqual(await shop.getStock(sku), { sku, available: 4, reserved: 0 });
  });

  it('payment: a duplicate AuthorizePayment holds the money once and answers both attempts alike', async () => {
    const customer = unique('rita');
    await shop.setBalance(customer, 1_000);
    const [orderId, sagaId] = [randomUUID(), randomUUID()];
    const meta = { source: 'orchestrator', aggregateId: orderId, correlationId: sagaId, causationId: null, lamport: 1 };
    const authorize = (attempt: number) =>
      createMessage(
        'AuthorizePayment',
        { sagaId, step: 'authorize-payment', attempt, orderId, customerId: customer, amount: 300 },
        meta,
      );
    await sendToTopic(system, 'payments.commands', [authorize(1), authorize(2), authorize(2)]);
    const replies = await repliesAbout(system, orderId, 3);
    assert.deepEqual(
      replies.map((reply) => [reply.attempt, reply.outcome]),
      [
        [1, 'PaymentAuthorized'],
        [2, 'PaymentAuthorized'],
        [2, 'PaymentAuthorized'],
      ],
    );
    assert.deepEqual(await shop.getAccount(customer), { customerId: customer, balance: 1_000, reserved: 300 });
    assert.equal((await shop.paymentsOfOrder(orderId)).length, 1);
  });

  it('a reply for a finished saga is recorded and ignored (fencing), and changes nothing', async () => {
    const [sku, customer] = [unique('sku'), unique('sam')];
    await shop.setStock(sku, 2);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 1_000);
    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'orchestration',
      items: [{ sku, quantity: 1, unitPrice: 100 }],
    });
    await shop.finalOrder(placed.body.orderId);
    const saga = await sagaUntil(system, placed.body.orderId, (found) => found.state === 'COMPLETED');
    const ignoredBefore = await counterTotal(system.url('orchestrator'), 'saga_replies_ignored_total');

    const meta = {
      source: 'inventory',
      aggregateId: saga.orderId,
      correlationId: saga.sagaId,
      causationId: null,
      lamport: 1,
    };
    await sendToTopic(system, 'orchestrator.replies', [
      createMessage(
        'SagaReply',
        {
          sagaId: saga.sagaId,
          step: 'reserve-stock',
          attempt: 1,
          orderId: saga.orderId,
          command: 'ReserveStock',
          outcome: 'StockUnavailable',
        },
        meta,
      ),
    ]);
    await eventually(
      () => counterTotal(system.url('orchestrator'), 'saga_replies_ignored_total'),
      (total) => total > ignoredBefore,
    );
    assert.deepEqual(await sagaOf(system, saga.orderId), saga);
    assert.equal((await shop.getOrder(saga.orderId)).status, 'CONFIRMED');
  });

  it('a participant slower than the step allows: given up with TIMEOUT and compensated, its late reply fenced off', async () => {
    const [sku, customer] = [unique('sku'), unique('tess')];
    await shop.setStock(sku, 6);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 1_000);
    const orderId = await withFaults(system, [{ service: 'inventory', delayMs: 5_000, failRate: 0 }], async () => {
      const placed = await shop.placeOrder({
        customerId: customer,
        mode: 'orchestration',
        items: [{ sku, quantity: 2, unitPrice: 100 }],
      });
      await sagaUntil(system, placed.body.orderId, (saga) =>
        saga.steps.some((step) => step.name === 'reserve-stock' && step.status === 'TIMED_OUT'),
      );
      return placed.body.orderId;
    });
    const order = await shop.finalOrder(orderId);
    assert.deepEqual([order.status, order.reason], ['CANCELLED', 'TIMEOUT']);
    const saga = await sagaUntil(system, orderId, (found) => found.state === 'COMPENSATED');
    const reserve = saga.steps.find((step) => step.name === 'reserve-stock' && step.kind === 'action');
    // The command was waiting in the participant's queue all along: it was never sent twice.
    assert.deepEqual([reserve?.status, reserve?.attempts], ['TIMED_OUT', 1]);
    assert.ok(
      saga.steps.some(
        (step) => step.name === 'reserve-stock' && step.kind === 'compensation' && step.status === 'SUCCEEDED',
      ),
    );
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 6 && stock.reserved === 0,
    );
    assert.ok(
      (await counterTotal(system.url('orchestrator'), 'saga_replies_ignored_total')) > 0,
      'late replies were fenced',
    );
    assert.deepEqual(await shop.paymentsOfOrder(orderId), []);
  });

  it('a compensation that fails again and again is retried until it succeeds', async () => {
    const [sku, customer] = [unique('sku'), unique('uma')];
    await shop.setStock(sku, 2);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 10);
    const orderId = await withFaults(system, [{ service: 'payment', delayMs: 1_000, failRate: 0 }], async () => {
      const placed = await shop.placeOrder({
        customerId: customer,
        mode: 'orchestration',
        items: [{ sku, quantity: 1, unitPrice: 100 }],
      });
      await sagaUntil(system, placed.body.orderId, (saga) =>
        saga.steps.some((step) => step.name === 'reserve-stock' && step.status === 'SUCCEEDED'),
      );
      // The reservation is made; from now on every inventory handler fails, the release included.
      await withFaults(system, [{ service: 'inventory', delayMs: 0, failRate: 1 }], () =>
        sagaUntil(system, placed.body.orderId, (saga) =>
          saga.steps.some(
            (step) => step.name === 'reserve-stock' && step.kind === 'compensation' && step.attempts >= 3,
          ),
        ),
      );
      return placed.body.orderId;
    });
    const saga = await sagaUntil(system, orderId, (found) => found.state === 'COMPENSATED');
    const release = saga.steps.find((step) => step.name === 'reserve-stock' && step.kind === 'compensation');
    assert.equal(release?.status, 'SUCCEEDED');
    assert.ok((release?.attempts ?? 0) >= 3);
    assert.equal(saga.needsAttention, true, 'flagged after 3 attempts, and still retried');
    assert.deepEqual([(await shop.finalOrder(orderId)).reason], ['PAYMENT_DECLINED']);
    await eventually(
      () => shop.getStock(sku),
      (stock) => stock.available === 2 && stock.reserved === 0,
    );
  });
});
