import { randomUUID } from 'node:crypto';
import { orderModeSchema, type RequestedLine } from '@dtx/contracts';
import { readJaegerBuildStatus } from '@dtx/telemetry/jaeger-status';
import { consoleLinks } from './console-links.js';
import { sagaStepsLine } from './saga-steps.js';
import { shopClientFromEnvironment } from './shop-client.js';
import { tracesLine } from './traces-line.js';
import { waitUntilReady } from './wait-until-ready.js';

/**
 * The npm start demo: seeds stock and balances, then in each mode (both sagas
 * and 2PC) places one order that confirms, one out of stock and one declined,
 * and prints how each ended; for orchestrated orders also the saga's step
 * history, for 2PC orders each participant's vote and outcome. Last, where
 * the traces are (JAEGER_URL), or why not yet (JAEGER_STATUS_FILE).
 */
const api = await shopClientFromEnvironment();
await waitUntilReady(api, 180_000);
const run = randomUUID().slice(0, 6);
const book = `DEMO-BOOK-${run}`;
const lamp = `DEMO-LAMP-${run}`;
const alice = `demo-alice-${run}`;
const bob = `demo-bob-${run}`;

await api.setPrice(book, 12_50);
await api.setPrice(lamp, 40_00);
await api.setStock(book, 20);
await api.setStock(lamp, 0);
await api.setBalance(alice, 200_00);
await api.setBalance(bob, 5_00);
console.log(`Seeded: ${book} x20 at 12.50, ${lamp} x0 at 40.00; ${alice} has 200.00, ${bob} has 5.00`);

const scenarios: { title: string; customerId: string; items: RequestedLine[] }[] = [
  { title: 'alice buys two books', customerId: alice, items: [{ sku: book, quantity: 2 }] },
  {
    title: 'alice buys a lamp (none in stock)',
    customerId: alice,
    items: [{ sku: lamp, quantity: 1 }],
  },
  {
    title: 'bob buys a book (balance too low)',
    customerId: bob,
    items: [{ sku: book, quantity: 1 }],
  },
];

let firstTraceId: string | undefined;
for (const mode of orderModeSchema.options) {
  console.log(`\nOrders by ${mode === '2pc' ? 'two-phase commit' : mode}:`);
  for (const scenario of scenarios) {
    const placed = await api.placeOrder({ customerId: scenario.customerId, items: scenario.items, mode });
    const order = await api.finalOrder(placed.body.orderId, { timeoutMs: 30_000, pollMs: 50 });
    const outcome = order.reason ? `${order.status} (${order.reason})` : order.status;
    firstTraceId ??= order.traceId ?? undefined;
    console.log(
      `  ${scenario.title.padEnd(36)} -> ${outcome.padEnd(30)} order ${order.orderId}, trace ${order.traceId}`,
    );
    console.log(`      console: ${consoleLinks(order.orderId, order.traceId)}`);
    if (mode === 'orchestration') {
      await printSagaHistory(order.orderId);
    }
    if (mode === '2pc') {
      await printVotes(order.orderId);
    }
  }
}

async function printVotes(orderId: string): Promise<void> {
  const transaction = await api.getTransaction(orderId);
  const votes = transaction.participants.map((participant) => `${participant.name} voted ${participant.vote ?? '-'}`);
  console.log(`      transaction ${transaction.state}: ${votes.join(', ')}`);
}

async function printSagaHistory(orderId: string): Promise<void> {
  // The order is final a moment before the orchestrator records its last reply.
  for (let tries = 0; tries < 100; tries++) {
    const [saga] = await api.sagasOfOrder(orderId);
    if (saga && (saga.state === 'COMPLETED' || saga.state === 'COMPENSATED')) {
      console.log(`      saga ${saga.state}: ${sagaStepsLine(saga.steps)}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Compensations run after the order is final: wait for bob's reserved book to be released.
const settleBy = Date.now() + 10_000;
while ((await api.getStock(book)).reserved > 0 && Date.now() < settleBy) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const [bookStock, lampStock, aliceAccount, bobAccount] = await Promise.all([
  api.getStock(book),
  api.getStock(lamp),
  api.getAccount(alice),
  api.getAccount(bob),
]);
console.log(
  `\nAfterwards: ${book} available ${bookStock.available} (reserved ${bookStock.reserved}), ${lamp} available ${lampStock.available}`,
);
console.log(`            ${alice} balance ${aliceAccount.balance}, ${bob} balance ${bobAccount.balance} (minor units)`);

const jaegerUrl = process.env['JAEGER_URL'];
const answering = jaegerUrl
  ? await fetch(`${jaegerUrl}/api/services`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    )
  : false;
const traces = tracesLine(
  { url: jaegerUrl, answering, build: await readJaegerBuildStatus() },
  firstTraceId,
  new Date(),
);
if (traces) {
  console.log(`\n${traces}`);
}
