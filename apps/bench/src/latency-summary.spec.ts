import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile, summarizeLatencies } from './latency-summary.js';

describe('latency summary', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 1000 }, (_, index) => index + 1);
    assert.equal(percentile(sorted, 50), 500);
    assert.equal(percentile(sorted, 99), 990);
    assert.equal(percentile(sorted, 99.9), 999);
    assert.equal(percentile(sorted, 100), 1000);
    assert.equal(percentile([7], 99.9), 7);
  });

  it('summarizes unsorted input and has nulls for no samples', () => {
    assert.deepEqual(summarizeLatencies([3, 1, 2]), { count: 3, p50: 2, p95: 3, p99: 3, p999: 3, max: 3, mean: 2 });
    assert.deepEqual(summarizeLatencies([]), {
      count: 0,
      p50: null,
      p95: null,
      p99: null,
      p999: null,
      max: null,
      mean: null,
    });
  });
});
