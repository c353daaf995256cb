import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryParticipant, orderParticipant, paymentParticipant } from '@dtx/contracts';
import { defineSaga, invoke, stageAt } from './saga-definition.js';

interface Data {
  orderId: string;
}

const orderIdOf = (data: Data) => ({ orderId: data.orderId });
const saga = () =>
  defineSaga<Data>('check', {
    defaultPolicy: { timeoutMs: 1, maxAttempts: 1, patienceMs: 1, backoff: { initialDelayMs: 1, maxDelayMs: 1 } },
    attentionAfterAttempts: 1,
    withReason: (data) => data,
  });
const capture = invoke(paymentParticipant.capturePayment, orderIdOf).retriedUntilSuccess();
const commit = invoke(inventoryParticipant.commitStock, orderIdOf).retriedUntilSuccess();
const approve = invoke(orderParticipant.approveOrder, orderIdOf).retriedUntilSuccess();

describe('saga definition: parallel groups', () => {
  it('adds the members in order, each marked with its group, and stages them together', () => {
    const definition = saga().retriable('capture', capture).parallel('complete', { commit, approve }).build();
    assert.deepEqual(
      definition.steps.map((step) => [step.name, step.group, step.retriable]),
      [
        ['capture', undefined, true],
        ['commit', 'complete', true],
        ['approve', 'complete', true],
      ],
    );
    assert.deepEqual(
      stageAt(definition, 0).map((step) => step.name),
      ['capture'],
    );
    assert.deepEqual(
      stageAt(definition, 1).map((step) => step.name),
      ['commit', 'approve'],
    );
    assert.deepEqual(stageAt(definition, 3), []);
  });

  it('refuses a group of fewer than two steps', () => {
    assert.throws(
      () => saga().parallel('complete', { capture }),
      /parallel group complete of saga check needs at least two steps/,
    );
  });

  it('refuses two steps of one name: replies find their step by name', () => {
    assert.throws(
      () => saga().retriable('commit', commit).parallel('complete', { commit, approve }).build(),
      /saga check has two steps named commit/,
    );
  });
});
