import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { orderModeSchema } from '@dtx/contracts';
import { shopClientFromEnvironment } from './shop-client.js';

/**
 * Places orders one after another and measures each from POST /orders to its
 * final state, as seen by a client polling GET /orders/:id every millisecond.
 * A probe, not the benchmark: one client, no concurrency.
 */
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    mode: { type: 'string', default: 'choreography' },
  },
});
const count = Number(values.count);
const mode = orderModeSchema.safeParse(values.mode).data;
if (mode === undefined) {
  console.error(`--mode must be one of ${orderModeSchema.options.join(', ')}`);
  process.exit(2);
}
if (!Number.isInteger(count) || count < 1 || count > 100_000) {
  console.error('--count must be a whole number from 1 to 100000');
  process.exit(2);
}

const api = await shopClientFromEnvironment();
const sku = `LATENCY-${randomUUID().slice(0, 8)}`;
const customer = `latency-${randomUUID().slice(0, 8)}`;
await api.setPrice(sku, 100);
await api.setStock(sku, count);
await api.setBalance(customer, count * 100);

const latencies: number[] = [];
const statuses = new Map<string, number>();
for (let index = 0; index < count; index++) {
  const startedAt = performance.now();
  const placed = await api.placeOrder({ customerId: customer, items: [{ sku, quantity: 1 }], mode });
  const order = await api.finalOrder(placed.body.orderId, { timeoutMs: 60_000, pollMs: 1 });
  latencies.push(performance.now() - startedAt);
  statuses.set(order.status, (statuses.get(order.status) ?? 0) + 1);
  if (process.stderr.isTTY && (index + 1) % 100 === 0) {
    process.stderr.write(`${index + 1}/${count}\r`);
  }
}

latencies.sort((left, right) => left - right);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
console.log(
  `${count} sequential ${mode} orders: ` +
    [...statuses].map(([status, n]) => `${n} ${status}`).join(', ') +
    `; POST to final state p50 ${percentile(50).toFixed(1)} ms, p90 ${percentile(90).toFixed(1)} ms, ` +
    `p99 ${percentile(99).toFixed(1)} ms, max ${percentile(100).toFixed(1)} ms`,
);
