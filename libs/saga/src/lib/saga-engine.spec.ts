import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryParticipant, orderParticipant, paymentParticipant } from '@dtx/contracts';
import { defineSaga, invoke } from './saga-definition.js';
import { applyDeadline, applyReply, overdueCommands, restartOverdueReplies, startSaga } from './saga-engine.js';
import { sagaTimer, type SagaInstance } from './saga-instance.js';

interface Data {
  orderId: string;
}

const orderIdOf = (data: Data) => ({ orderId: data.orderId });
const definition = defineSaga<Data>('fulfil', {
  defaultPolicy: {
    timeoutMs: 1_000,
    maxAttempts: 3,
    patienceMs: 10_000,
    backoff: { initialDelayMs: 100, maxDelayMs: 100 },
  },
  attentionAfterAttempts: 5,
  withReason: (data) => data,
})
  .parallel('complete', {
    capture: invoke(paymentParticipant.capturePayment, orderIdOf).withPolicy({ timeoutMs: 300 }).retriedUntilSuccess(),
    commit: invoke(inventoryParticipant.commitStock, orderIdOf).retriedUntilSuccess(),
  })
  .retriable('approve', invoke(orderParticipant.approveOrder, orderIdOf).retriedUntilSuccess())
  .build();

const t0 = Date.UTC(2026, 0, 1);
// With the jitter at its top, a retry waits the whole backoff (100 ms here).
const at = (now: number) => ({ now, random: () => 1 });
const started = () =>
  startSaga(
    definition,
    { sagaId: '00000000-0000-4000-8000-000000000001', orderId: 'o-1', data: { orderId: 'o-1' } },
    at(t0),
  );
const reply = (instance: SagaInstance<Data>, step: string, command: string, outcome: string, now = t0) =>
  applyReply(definition, instance, { step, attempt: 1, command, outcome }, at(now));
const timers = (instance: SagaInstance<Data>) =>
  instance.inFlight.map((timer) => [timer.step, timer.waitingFor, timer.attempt, timer.deadline - t0]);

describe('saga engine: a parallel group', () => {
  it('sends every member in one transition, each with its own policy and timer; the saga waits on the earliest', () => {
    const { instance, commands } = started();
    assert.deepEqual(
      commands.map((command) => [command.type, command.payload['step'], command.payload['attempt']]),
      [
        ['CapturePayment', 'capture', 1],
        ['CommitStock', 'commit', 1],
      ],
    );
    assert.deepEqual(timers(instance), [
      ['capture', 'reply', 1, 300],
      ['commit', 'reply', 1, 1_000],
    ]);
    assert.deepEqual(sagaTimer(instance), { waitingFor: 'reply', deadline: t0 + 300 });
    assert.deepEqual(
      instance.history.map((line) => [line.name, line.status, line.group]),
      [
        ['capture', 'WAITING', 'complete'],
        ['commit', 'WAITING', 'complete'],
      ],
    );
  });

  it('goes on to the step after the group only once every member has succeeded', () => {
    const first = reply(started().instance, 'commit', 'CommitStock', 'StockCommitted');
    assert.deepEqual(first.commands, []);
    assert.deepEqual(timers(first.instance), [['capture', 'reply', 1, 300]]);
    const second = reply(first.instance, 'capture', 'CapturePayment', 'PaymentCaptured');
    assert.deepEqual(
      second.commands.map((command) => command.type),
      ['ApproveOrder'],
    );
    assert.equal(second.instance.stepIndex, 2);
    assert.equal(second.instance.history.at(-1)?.group, undefined);
    const done = reply(second.instance, 'approve', 'ApproveOrder', 'OrderApproved');
    assert.equal(done.instance.status, 'COMPLETED');
    assert.deepEqual(sagaTimer(done.instance), { waitingFor: 'nothing', deadline: null });
  });

  it('fires only the members whose own timer is due', () => {
    const { instance } = started();
    assert.deepEqual(applyDeadline(definition, instance, at(t0 + 299)), { instance, commands: [] });
    const fired = applyDeadline(definition, instance, at(t0 + 300));
    assert.deepEqual(fired.commands, []);
    assert.deepEqual(timers(fired.instance), [
      ['capture', 'retry', 1, 400],
      ['commit', 'reply', 1, 1_000],
    ]);
    const resent = applyDeadline(definition, fired.instance, at(t0 + 400));
    assert.deepEqual(
      resent.commands.map((command) => [command.type, command.payload['attempt']]),
      [['CapturePayment', 2]],
    );
    assert.deepEqual(timers(resent.instance), [
      ['capture', 'reply', 2, 1_000],
      ['commit', 'reply', 1, 1_000],
    ]);
  });

  it('asks about the queues of overdue replies only, and re-arms a member whose queues were not read', () => {
    const { instance } = started();
    assert.deepEqual(
      overdueCommands(definition, instance, t0 + 300).map((command) => command.step),
      ['capture'],
    );
    assert.deepEqual(overdueCommands(definition, instance, t0 + 1_000), [
      { step: 'capture', type: 'CapturePayment', participant: 'payment' },
      { step: 'commit', type: 'CommitStock', participant: 'inventory' },
    ]);
    const fired = applyDeadline(definition, instance, at(t0 + 1_000), { commit: 'drained' });
    assert.deepEqual(fired.deferred, ['capture']);
    assert.deepEqual(timers(fired.instance), [
      ['capture', 'reply', 1, 1_300],
      ['commit', 'retry', 1, 1_100],
    ]);
    assert.deepEqual(overdueCommands(definition, fired.instance, t0 + 1_100), []);
  });

  it('a restart gives overdue replies a fresh timeout and leaves scheduled retries and later timers alone', () => {
    const capturing = applyDeadline(definition, started().instance, at(t0 + 300)).instance;
    assert.deepEqual(
      timers(restartOverdueReplies(definition, capturing, at(t0 + 350))),
      timers(capturing),
      'nothing overdue yet',
    );
    assert.deepEqual(timers(restartOverdueReplies(definition, capturing, at(t0 + 5_000))), [
      ['capture', 'retry', 1, 400],
      ['commit', 'reply', 1, 6_000],
    ]);
  });
});
