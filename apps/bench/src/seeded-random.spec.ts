import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const take = (seed: string) => Array.from({ length: 5 }, seededRandom(seed).next);
    assert.deepEqual(take('42'), take('42'));
    assert.notDeepEqual(take('42'), take('43'));
  });

  it('stays within its bounds and hits the requested share roughly', () => {
    const random = seededRandom('bounds');
    const draws = Array.from({ length: 10_000 }, () => random.below(7));
    assert.ok(draws.every((value) => Number.isInteger(value) && value >= 0 && value < 7));
    const hits = Array.from({ length: 10_000 }, () => random.chance(0.2)).filter(Boolean).length;
    assert.ok(hits > 1_800 && hits < 2_200, `${hits} of 10000`);
  });
});
