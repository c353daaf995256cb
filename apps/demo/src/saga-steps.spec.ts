import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SagaStepView } from '@dtx/contracts';
import { sagaStepsLine } from './saga-steps.js';

const at = '2026-01-01T00:00:00.000Z';
const step = (name: string, status: SagaStepView['status'], extra: Partial<SagaStepView> = {}): SagaStepView => ({
  name,
  kind: 'action',
  status,
  attempts: 1,
  startedAt: at,
  endedAt: at,
  ...extra,
});

describe('the saga history line of the demo', () => {
  it('shows the steps in the order they ran, and the members of a parallel group together', () => {
    const group = { group: 'complete-order' };
    assert.equal(
      sagaStepsLine([
        step('create-order', 'SUCCEEDED'),
        step('authorize-payment', 'SUCCEEDED'),
        step('capture-payment', 'SUCCEEDED', group),
        step('commit-stock', 'SUCCEEDED', group),
        step('approve-order', 'RETRY_SCHEDULED', group),
      ]),
      'create-order succeeded -> authorize-payment succeeded -> ' +
        'complete-order [capture-payment succeeded, commit-stock succeeded, approve-order retry_scheduled]',
    );
  });

  it('marks compensations as undone steps', () => {
    assert.equal(
      sagaStepsLine([
        step('create-order', 'SUCCEEDED'),
        step('reserve-stock', 'FAILED'),
        step('create-order', 'SUCCEEDED', { kind: 'compensation' }),
      ]),
      'create-order succeeded -> reserve-stock failed -> undo create-order succeeded',
    );
  });
});
