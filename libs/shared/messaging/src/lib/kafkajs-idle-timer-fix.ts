import { createRequire } from 'node:module';

/** The part of kafkajs's per-connection request queue that the fix below touches. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const requestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
const scheduleCheck = requestQueue.prototype.scheduleCheckPendingRequests;

/**
 * kafkajs 2.2.4 (its last release) re-arms a timer on every broker connection
 * about once a millisecond forever, even with nothing queued and no throttle
 * (tulios/kafkajs#1556; the fixes proposed in #1667 and #1768 were never
 * released). On this project's machine that loop cost each idle service about
 * 30 ms of CPU per second. The queue only needs a timer while requests wait
 * or the broker throttles: a new request, or an answer to one in flight,
 * checks the queue by itself.
 */
requestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueue): void {
  if (this.pending.length === 0 && this.throttledUntil <= Date.now()) {
    return;
  }
  scheduleCheck.call(this);
};

/** Whether the fix is in place (for tests). */
export function kafkajsIdleTimerFixed(): boolean {
  return requestQueue.prototype.scheduleCheckPendingRequests !== scheduleCheck;
}
