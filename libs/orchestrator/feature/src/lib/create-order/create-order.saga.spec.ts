import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  inventoryParticipant as inventory,
  orderParticipant as order,
  paymentParticipant as payment,
} from '@dtx/contracts';
import { SagaTestKit } from '@dtx/saga';
import { createOrderSaga, type CreateOrderSagaData } from './create-order.saga.js';

const saga = createOrderSaga(
  { timeoutMs: 1_000, maxAttempts: 3, patienceMs: 10_000, backoff: { initialDelayMs: 100, maxDelayMs: 1_000 } },
  5,
);
const data: CreateOrderSagaData = {
  orderId: '00000000-0000-4000-8000-0000000000aa',
  customerId: 'alice',
  items: [{ sku: 'BOOK', quantity: 2, unitPrice: 1_250 }],
  total: 2_500,
};
const start = () => SagaTestKit.start(saga, data, data.orderId);

describe('create-order saga, in memory', () => {
  it('confirms: reserve, authorise, capture, commit, approve', () => {
    start()
      .expectCommand(inventory.reserveStock, {
        orderId: data.orderId,
        items: data.items,
        total: 2_500,
        step: 'reserve-stock',
        attempt: 1,
      })
      .reply('StockReserved')
      .expectCommand(payment.authorizePayment, { customerId: 'alice', amount: 2_500 })
      .reply('PaymentAuthorized')
      .expectCommand(payment.capturePayment)
      .reply('PaymentCaptured')
      .expectCommand(inventory.commitStock)
      .reply('StockCommitted')
      .expectCommand(order.approveOrder)
      .reply('OrderApproved')
      .expectNoCommand()
      .expectStatus('COMPLETED')
      .expectCompensated([]);
  });

  it('out of stock: nothing to release, the order is rejected with OUT_OF_STOCK', () => {
    start()
      .expectCommand(inventory.reserveStock)
      .reply('StockUnavailable')
      .expectCommand(order.rejectOrder, { reason: 'OUT_OF_STOCK', step: 'create-order' })
      .reply('OrderRejected')
      .expectStatus('COMPENSATED')
      .expectCompensated(['create-order']);
  });

  it('payment declined: stock released, then the order rejected, in reverse order', () => {
    start()
      .reply('StockReserved')
      .expectCommand(payment.authorizePayment)
      .reply('PaymentDeclined')
      .expectCommand(inventory.releaseStock, { step: 'reserve-stock' })
      .reply('StockReleased')
      .expectCommand(order.rejectOrder, { reason: 'PAYMENT_DECLINED' })
      .reply('OrderRejected')
      .expectStatus('COMPENSATED')
      .expectCompensated(['reserve-stock', 'create-order']);
  });

  it('a silent participant: retried up to the limit, then the step itself is compensated with TIMEOUT', () => {
    const run = start().expectCommand(inventory.reserveStock, { attempt: 1 });
    const firstAttempt = run.sent.at(-1);
    run
      .timeout()
      .expectNoCommand()
      .timeout()
      .expectCommand(inventory.reserveStock, { attempt: 2 })
      .timeout()
      .timeout()
      .expectCommand(inventory.reserveStock, { attempt: 3 })
      .timeout()
      .expectCommand(inventory.releaseStock, { attempt: 1 })
      .reply('StockReleased')
      .expectCommand(order.rejectOrder, { reason: 'TIMEOUT' })
      .reply('OrderRejected')
      .expectStatus('COMPENSATED')
      .expectCompensated(['reserve-stock', 'create-order']);
    assert.ok(firstAttempt);
    run
      .replyTo(firstAttempt, 'StockReserved')
      .expectIgnored(/already COMPENSATED/)
      .expectStatus('COMPENSATED');
  });

  it('applies a reply to an earlier attempt of the awaited command: every attempt has the same answer', () => {
    const run = start();
    const firstAttempt = run.sent.at(-1);
    assert.ok(firstAttempt);
    run
      .timeout()
      .timeout()
      .expectCommand(inventory.reserveStock, { attempt: 2 })
      .replyTo(firstAttempt, 'StockReserved')
      .expectCommand(payment.authorizePayment);
  });

  it('applies a reply that arrives while a retry is scheduled, and sends no retry', () => {
    const run = start().timeout().expectNoCommand();
    assert.deepEqual(
      run.instance.inFlight.map((timer) => timer.waitingFor),
      ['retry'],
    );
    run.reply('StockReserved').expectCommand(payment.authorizePayment);
    assert.equal(run.sent.filter((command) => command.type === 'ReserveStock').length, 1);
  });

  it('fences a late reply to the action once the step is being compensated', () => {
    const run = start().reply('StockReserved');
    const authorize = run.sent.at(-1);
    assert.ok(authorize);
    run
      .reply('PaymentDeclined')
      .expectCommand(inventory.releaseStock)
      .replyTo(authorize, 'PaymentAuthorized')
      .expectIgnored(/reply to AuthorizePayment of step authorize-payment; waiting for ReleaseStock/)
      .expectStatus('COMPENSATING');
  });

  it('slow, not dead: while the command or its reply is queued, the timer is re-armed and nothing is resent', () => {
    const run = start();
    for (let round = 0; round < 8; round++) {
      run.timeout('queued').expectNoCommand().expectStatus('RUNNING');
    }
    assert.equal(run.sent.length, 1);
    assert.deepEqual(
      run.instance.inFlight.map((timer) => timer.attempt),
      [1],
    );
    run.reply('StockReserved').expectCommand(payment.authorizePayment);
  });

  it('once the queues are drained and still no reply, the command is sent again', () => {
    start()
      .timeout('queued')
      .expectNoCommand()
      .timeout('drained')
      .expectNoCommand()
      .timeout('drained')
      .expectCommand(inventory.reserveStock, { attempt: 2 });
  });

  it('a step queued for longer than its patience is given up as TIMEOUT and compensated', () => {
    const run = start();
    for (let round = 0; round < 9; round++) {
      run.timeout('queued').expectNoCommand();
    }
    run
      .timeout('queued')
      .expectCommand(inventory.releaseStock, { attempt: 1 })
      .reply('StockReleased')
      .expectCommand(order.rejectOrder, { reason: 'TIMEOUT' });
  });

  it('a compensation or a step after the pivot waits on a queue without end', () => {
    const run = start().reply('StockReserved').reply('PaymentAuthorized');
    for (let round = 0; round < 30; round++) {
      run.timeout('queued').expectNoCommand();
    }
    run.expectStatus('RUNNING').reply('PaymentCaptured').expectCommand(inventory.commitStock);
  });

  it('a duplicate reply has no effect', () => {
    const run = start();
    const reserve = run.sent.at(-1);
    assert.ok(reserve);
    run
      .reply('StockReserved')
      .expectCommand(payment.authorizePayment)
      .replyTo(reserve, 'StockReserved')
      .expectIgnored(/waiting for AuthorizePayment/)
      .expectNoCommand();
    assert.equal(run.sent.filter((command) => command.type === 'AuthorizePayment').length, 1);
  });

  it('a compensation that keeps failing is retried without end, and flags the saga for attention', () => {
    const run = start()
      .reply('StockReserved')
      .reply('PaymentDeclined')
      .expectCommand(inventory.releaseStock, { attempt: 1 });
    for (let attempt = 2; attempt <= 7; attempt++) {
      run.timeout().timeout().expectCommand(inventory.releaseStock, { attempt });
    }
    assert.equal(run.instance.needsAttention, true);
    run
      .expectStatus('COMPENSATING')
      .reply('StockReleased')
      .expectCommand(order.rejectOrder)
      .reply('OrderRejected')
      .expectStatus('COMPENSATED');
  });

  it('after the pivot a step is retried until it succeeds, never compensated', () => {
    const run = start()
      .reply('StockReserved')
      .reply('PaymentAuthorized')
      .expectCommand(payment.capturePayment, { attempt: 1 });
    for (let attempt = 2; attempt <= 6; attempt++) {
      run.timeout().timeout().expectCommand(payment.capturePayment, { attempt });
    }
    run
      .reply('PaymentCaptured')
      .reply('StockCommitted')
      .reply('OrderApproved')
      .expectStatus('COMPLETED')
      .expectCompensated([]);
  });

  it('an authorisation that times out is voided before the stock is released', () => {
    start()
      .reply('StockReserved')
      .timeout()
      .timeout()
      .timeout()
      .timeout()
      .timeout()
      .expectCommand(payment.voidPayment, { step: 'authorize-payment' })
      .reply('PaymentVoided')
      .expectCommand(inventory.releaseStock)
      .reply('StockReleased')
      .expectCommand(order.rejectOrder, { reason: 'TIMEOUT' })
      .reply('OrderRejected')
      .expectCompensated(['authorize-payment', 'reserve-stock', 'create-order']);
  });

  it('keeps the step history with attempts and outcomes', () => {
    const run = start().timeout().timeout().reply('StockUnavailable').reply('OrderRejected');
    assert.deepEqual(
      run.instance.history.map((line) => [line.name, line.kind, line.status, line.attempts, line.outcome]),
      [
        ['create-order', 'action', 'SUCCEEDED', 1, 'local'],
        ['reserve-stock', 'action', 'FAILED', 2, 'StockUnavailable'],
        ['create-order', 'compensation', 'SUCCEEDED', 1, 'OrderRejected'],
      ],
    );
  });
});
