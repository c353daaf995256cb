import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LamportBound } from './lamport-bound.js';

/** A clock that counts how often it is read. */
function clockAt(value: number) {
  const clock = { value, reads: 0, read: async () => (clock.reads++, clock.value) };
  return clock;
}

describe('LamportBound', () => {
  it('lets through a Lamport time up to the bound ahead of the clock, without reading the clock', async () => {
    const clock = clockAt(0);
    const bound = new LamportBound(1_000, clock.read);
    assert.equal(await bound.refusal(1), undefined);
    assert.equal(await bound.refusal(1_000), undefined);
    assert.equal(clock.reads, 0);
  });

  it('refuses one further ahead of the clock, saying by how much', async () => {
    const clock = clockAt(500);
    const bound = new LamportBound(1_000, clock.read);
    assert.match((await bound.refusal(1_501)) ?? '', /Lamport time 1501 is 1001 ahead of this service's clock \(500\)/);
    assert.equal(await bound.refusal(1_500), undefined);
  });

  it('reads the clock again when a message looks too far ahead, since the clock has moved on since', async () => {
    const clock = clockAt(10);
    const bound = new LamportBound(100, clock.read);
    assert.ok(await bound.refusal(500));
    clock.value = 450;
    assert.equal(await bound.refusal(500), undefined);
    assert.equal(await bound.refusal(540), undefined, 'within the bound of the latest reading: no read');
    assert.equal(clock.reads, 2);
  });

  it('with a bound of 0 refuses nothing and never reads the clock', async () => {
    const clock = clockAt(0);
    const bound = new LamportBound(0, clock.read);
    assert.equal(await bound.refusal(Number.MAX_SAFE_INTEGER), undefined);
    assert.equal(clock.reads, 0);
  });
});
