import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  inventoryParticipant as inventory,
  orderParticipant as order,
  paymentParticipant as payment,
} from '@dtx/contracts';
import { applyReply, SagaTestKit } from '@dtx/saga';
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
/** The steps after the pivot, sent together. */
const completion = [payment.capturePayment, inventory.commitStock, order.approveOrder];
/** A saga past its pivot: capture, commit and approve just sent. */
const afterPivot = () =>
  start().reply('StockReserved').reply('PaymentAuthorized').expectCommands(completion).expectStatus('RUNNING');

describe('create-order saga, in memory', () => {
  it('confirms: reserve, authorise, then capture, commit and approve together', () => {
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
      .expectCommands(completion, { orderId: data.orderId, attempt: 1 })
      .expectCommand(payment.capturePayment, { step: 'capture-payment' })
      .expectCommand(inventory.commitStock, { step: 'commit-stock' })
      .expectCommand(order.approveOrder, { step: 'approve-order' })
      .replyTo(payment.capturePayment, 'PaymentCaptured')
      .expectNoCommand()
      .replyTo(inventory.commitStock, 'StockCommitted')
      .expectNoCommand()
      .expectStatus('RUNNING')
      .replyTo(order.approveOrder, 'OrderApproved')
      .expectNoCommand()
      .expectStatus('COMPLETED')
      .expectCompensated([]);
  });

  it('completes only once every member of the group has succeeded, whatever order the replies come in', () => {
    const answers = [
      { spec: payment.capturePayment, step: 'capture-payment', outcome: 'PaymentCaptured' },
      { spec: inventory.commitStock, step: 'commit-stock', outcome: 'StockCommitted' },
      { spec: order.approveOrder, step: 'approve-order', outcome: 'OrderApproved' },
    ];
    const sequences = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const sequence of sequences) {
      const inTurn = sequence.map((index) => answers[index]).filter((answer) => answer !== undefined);
      const run = afterPivot();
      for (const [index, answer] of inTurn.entries()) {
        run.expectStatus('RUNNING').expectInFlight(inTurn.slice(index).map(({ step }) => step));
        run.replyTo(answer.spec, answer.outcome).expectNoCommand();
      }
      run.expectStatus('COMPLETED').expectInFlight([]);
      assert.equal(run.sent.length, 5, 'nothing was sent twice');
    }
  });

  it('a member that times out is sent again on its own while the others are done', () => {
    const run = afterPivot()
      .replyTo(payment.capturePayment, 'PaymentCaptured')
      .replyTo(order.approveOrder, 'OrderApproved')
      .expectInFlight(['commit-stock'])
      .timeout()
      .expectNoCommand()
      .timeout()
      .expectCommands([inventory.commitStock], { attempt: 2 })
      .expectStatus('RUNNING');
    const lines = run.instance.history.filter((line) => line.group === 'complete-order');
    assert.deepEqual(
      lines.map((line) => [line.name, line.status, line.attempts]),
      [
        ['capture-payment', 'SUCCEEDED', 1],
        ['commit-stock', 'WAITING', 2],
        ['approve-order', 'SUCCEEDED', 1],
      ],
    );
    run.reply('StockCommitted').expectNoCommand().expectStatus('COMPLETED');
  });

  it('each member has its own timer, attempts and queue probe', () => {
    const run = afterPivot()
      .timeout({ 'capture-payment': 'queued', 'commit-stock': 'drained', 'approve-order': 'queued' })
      .expectNoCommand();
    assert.deepEqual(
      run.instance.inFlight.map((timer) => [timer.step, timer.waitingFor, timer.attempt]),
      [
        ['capture-payment', 'reply', 1],
        ['commit-stock', 'retry', 1],
        ['approve-order', 'reply', 1],
      ],
    );
    run.timeout().expectCommands([inventory.commitStock], { attempt: 2 });
    // The re-armed members' timers come due next; their queues have drained meanwhile.
    run
      .timeout()
      .expectNoCommand()
      .timeout()
      .expectCommands([payment.capturePayment, order.approveOrder], { attempt: 2 })
      .replyTo(inventory.commitStock, 'StockCommitted')
      .replyTo(order.approveOrder, 'OrderApproved')
      .replyTo(payment.capturePayment, 'PaymentCaptured')
      .expectStatus('COMPLETED');
    assert.deepEqual(
      run.sent.slice(2).map((command) => `${command.type} ${String(command.payload['attempt'])}`),
      ['CapturePayment 1', 'CommitStock 1', 'ApproveOrder 1', 'CommitStock 2', 'CapturePayment 2', 'ApproveOrder 2'],
    );
  });

  it('a duplicate reply for a member already done is fenced off, and the others still wait', () => {
    const run = afterPivot();
    const capture = run.sent.find((command) => command.type === 'CapturePayment');
    assert.ok(capture);
    run
      .replyTo(capture, 'PaymentCaptured')
      .replyTo(capture, 'PaymentCaptured')
      .expectIgnored(
        /reply to CapturePayment of step capture-payment; waiting for CommitStock of step commit-stock, ApproveOrder of step approve-order/,
      )
      .expectNoCommand()
      .expectInFlight(['commit-stock', 'approve-order'])
      .replyTo(inventory.commitStock, 'StockCommitted')
      .replyTo(order.approveOrder, 'OrderApproved')
      .expectStatus('COMPLETED')
      .replyTo(capture, 'PaymentCaptured')
      .expectIgnored(/already COMPLETED/);
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
    const run = afterPivot();
    for (let round = 0; round < 30; round++) {
      run.timeout('queued').expectNoCommand();
    }
    run
      .expectStatus('RUNNING')
      .expectInFlight(['capture-payment', 'commit-stock', 'approve-order'])
      .replyTo(payment.capturePayment, 'PaymentCaptured')
      .replyTo(inventory.commitStock, 'StockCommitted')
      .replyTo(order.approveOrder, 'OrderApproved')
      .expectStatus('COMPLETED');
    assert.equal(run.sent.length, 5);
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
    const run = afterPivot()
      .replyTo(inventory.commitStock, 'StockCommitted')
      .replyTo(order.approveOrder, 'OrderApproved')
      .expectInFlight(['capture-payment']);
    for (let attempt = 2; attempt <= 6; attempt++) {
      run.timeout().timeout().expectCommands([payment.capturePayment], { attempt });
    }
    assert.equal(run.instance.needsAttention, true);
    run.reply('PaymentCaptured').expectStatus('COMPLETED').expectCompensated([]);
  });

  it('an unexpected answer from a member retries that member only', () => {
    afterPivot()
      .replyTo(inventory.commitStock, 'ActionRefused')
      .expectNoCommand()
      .replyTo(payment.capturePayment, 'PaymentCaptured')
      .timeout()
      .expectCommands([inventory.commitStock], { attempt: 2 })
      .expectInFlight(['commit-stock', 'approve-order']);
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

  it('a saga stored while it waited on commit-stock alone, before the steps ran in parallel, goes on with approve-order', () => {
    const { instance } = afterPivot().replyTo(payment.capturePayment, 'PaymentCaptured');
    // What the migration to steps in flight leaves of a saga that was at commit-stock.
    const stored = {
      ...instance,
      stepIndex: saga.steps.findIndex((step) => step.name === 'commit-stock'),
      inFlight: instance.inFlight.filter((timer) => timer.step === 'commit-stock'),
      history: instance.history.filter((line) => line.name !== 'approve-order'),
    };
    const context = { now: Date.UTC(2026, 0, 1), random: () => 0.5 };
    const committed = applyReply(
      saga,
      stored,
      { step: 'commit-stock', attempt: 1, command: 'CommitStock', outcome: 'StockCommitted' },
      context,
    );
    assert.deepEqual(
      committed.commands.map((command) => [command.type, command.payload['step'], command.payload['attempt']]),
      [['ApproveOrder', 'approve-order', 1]],
    );
    const approved = applyReply(
      saga,
      committed.instance,
      { step: 'approve-order', attempt: 1, command: 'ApproveOrder', outcome: 'OrderApproved' },
      context,
    );
    assert.deepEqual([approved.instance.status, approved.commands], ['COMPLETED', []]);
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
