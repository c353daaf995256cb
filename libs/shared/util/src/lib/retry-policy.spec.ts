import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './retry-policy.js';

describe('backoffDelay', () => {
  const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the ceiling with each attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt, () => 1)),
      [100, 200, 400, 800],
    );
  });

  it('never exceeds the maximum delay', () => {
    assert.equal(
      backoffDelay(policy, 10, () => 1),
      1_000,
    );
  });

  it('spreads retries with jitter below the ceiling', () => {
    assert.equal(
      backoffDelay(policy, 3, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelay(policy, 3, () => 0),
      0,
    );
  });
});
