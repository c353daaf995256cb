import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { kafkajsIdleTimerFixed } from './kafkajs-idle-timer-fix.js';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (options: {
  maxInFlightRequests: number;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: { debug(): void };
}) => RequestQueue;

const queue = () =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 1_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:9092',
    logger: { debug: () => undefined },
  });

describe("kafkajs's request queue", () => {
  it('is patched', () => {
    assert.equal(kafkajsIdleTimerFixed(), true);
  });

  it('arms no timer when nothing waits and nothing throttles', () => {
    const idle = queue();
    idle.scheduleCheckPendingRequests();
    assert.equal(idle.throttleCheckTimeoutId, null);
  });

  it('still checks again while requests wait, or until a throttle ends', () => {
    const waiting = queue();
    waiting.pending.push({});
    waiting.scheduleCheckPendingRequests();
    assert.notEqual(waiting.throttleCheckTimeoutId, null);
    clearTimeout(waiting.throttleCheckTimeoutId ?? undefined);

    const throttled = queue();
    throttled.throttledUntil = Date.now() + 5_000;
    throttled.scheduleCheckPendingRequests();
    assert.notEqual(throttled.throttleCheckTimeoutId, null);
    clearTimeout(throttled.throttleCheckTimeoutId ?? undefined);
  });
});
