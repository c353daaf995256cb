import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleep, TimeoutError, withTimeout } from './timing.js';

describe('withTimeout', () => {
  it('returns the value of work that settles in time', async () => {
    assert.equal(await withTimeout(Promise.resolve(42), 1_000, 'answer'), 42);
  });

  it('rejects with a TimeoutError naming the work when it is too slow', async () => {
    await assert.rejects(withTimeout(sleep(1_000), 10, 'slow thing'), (error: unknown) => {
      return error instanceof TimeoutError && /slow thing did not answer within 10 ms/.test(error.message);
    });
  });

  it('passes the rejection of failing work through', async () => {
    await assert.rejects(withTimeout(Promise.reject(new Error('boom')), 1_000, 'x'), /boom/);
  });
});
