import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LamportBound } from './lamport-bound.js';

/** A clock that counts how often it is read, and remembers what it is moved to. */
function clockAt(value: number) {
  const clock = {
    value,
    reads: 0,
    read: async () => (clock.reads++, clock.value),
    advanceTo: async (time: number) => {
      clock.value = Math.max(clock.value, time);
    },
  };
  return clock;
}

describe('LamportBound', () => {
  it('lets through a Lamport time up to the bound ahead of the clock, without reading the clock', async () => {
    const clock = clockAt(0);
    const bound = new LamportBound(1_000, clock);
    assert.equal(await bound.refusal(1), undefined);
    assert.equal(await bound.refusal(1_000), undefined);
    assert.equal(clock.reads, 0);
  });

  it('refuses one further ahead of the clock, saying by how much', async () => {
    const clock = clockAt(500);
    const bound = new LamportBound(1_000, clock);
    assert.match((await bound.refusal(1_501)) ?? '', /Lamport time 1501 is 1001 ahead of this service's clock \(500\)/);
    assert.equal(await bound.refusal(1_500), undefined);
  });

  it('reads the clock again when a message looks too far ahead, since the clock has moved on since', async () => {
    const clock = clockAt(10);
    const bound = new LamportBound(100, clock);
    assert.ok(await bound.refusal(500));
    clock.value = 450;
    assert.equal(await bound.refusal(500), undefined);
    assert.equal(await bound.refusal(590), undefined, 'within the bound of what was read: no read');
    assert.equal(clock.reads, 2);
  });

  it('measures from the messages read without being handled too, but not from implausible ones', async () => {
    const clock = clockAt(0);
    const bound = new LamportBound(100, clock);
    await bound.read(90);
    await bound.read(180);
    await bound.read(1_000);
    assert.equal(await bound.refusal(280), undefined, 'another flow moved the senders on: 180 + 100');
    assert.ok(await bound.refusal(1_000), 'the implausible 1000 did not count');
  });

  it('reads the clock for a message read without being handled that looks too far ahead, as after a restart', async () => {
    const clock = clockAt(5_000);
    const bound = new LamportBound(100, clock);
    await bound.read(5_050);
    assert.equal(await bound.refusal(5_150), undefined);
    assert.equal(clock.reads, 1);
  });

  it('writes what it has read to the clock once that is half the bound ahead of it, so a restart starts from there', async () => {
    const clock = clockAt(0);
    const bound = new LamportBound(100, clock);
    await bound.read(50);
    await bound.keepClockNear();
    assert.equal(clock.value, 0, 'half the bound ahead: not yet');
    await bound.read(120);
    await bound.keepClockNear();
    assert.equal(clock.value, 120);
    assert.equal(await new LamportBound(100, clock).refusal(200), undefined, 'a restarted consumer');
  });

  it('with a bound of 0 refuses nothing, and never reads or writes the clock', async () => {
    const clock = clockAt(0);
    const bound = new LamportBound(0, clock);
    assert.equal(await bound.refusal(Number.MAX_SAFE_INTEGER), undefined);
    await bound.keepClockNear();
    assert.deepEqual([clock.reads, clock.value], [0, 0]);
  });
});
