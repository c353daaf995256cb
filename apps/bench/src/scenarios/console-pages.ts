import type { RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';
import { startBenchConsole, type BenchConsole } from '../console/bench-console.js';
import { lengthenOrderStory } from '../console/long-order-story.js';
import { summarizeLatencies } from '../latency-summary.js';
import type { ModeContext } from '../load-run.js';
import { ProcessUsageMeter } from '../process-usage.js';
import type { ConsolePagesResult } from '../results.js';
import { seededRandom } from '../seeded-random.js';
import { mixedOrders, type Catalog } from '../workload.js';
import { runFixedRateStep } from './fixed-rate-step.js';

/** The order page's heading over its message table: "Kafka messages, in causal order (54)". */
const LISTED_MESSAGES = /Kafka messages, in causal order \((\d+)\)/;
/** The order page's note when the console's index could not vouch for the order and it read the topics instead. */
const READ_FROM_TOPICS = 'Read from the topics';

interface ProbeSamples {
  orderPageMs: number[];
  listPageMs: number[];
  errorKinds: Record<string, number>;
}

/**
 * The operator console's pages while the half load runs: a compensated order
 * of the mode is given at least `consoleOrderMessages` messages (redelivered
 * copies), the console is started and signs an operator in, and once its
 * index holds the order, one page after another is fetched (the order's page,
 * then the order list) for as long as a half-load step runs.
 */
export async function measureConsolePages(
  context: ModeContext,
  system: RunningSystem,
  catalog: Catalog,
  rate: number,
): Promise<ConsolePagesResult> {
  const { config } = context;
  const orderId = await placeDeclinedOrder(context, catalog);
  const story = await lengthenOrderStory(system, orderId, config.consoleOrderMessages);
  if (context.mode !== '2pc' && story.total < config.consoleOrderMessages) {
    throw new Error(`order ${orderId} has ${story.total} messages, not ${config.consoleOrderMessages}`);
  }
  const startedAt = performance.now();
  const operatorConsole = await startBenchConsole(system);
  try {
    const orderPath = `/orders/${orderId}`;
    await untilIndexed(operatorConsole, orderPath, story.total, config.consoleIndexTimeoutMs);
    const readyMs = Math.round(performance.now() - startedAt);

    const meter = new ProcessUsageMeter([{ name: 'console', pid: operatorConsole.process.pid, withChildren: false }]);
    const stopProbing = new AbortController();
    meter.start();
    const probedFrom = performance.now();
    const probing = probePages(operatorConsole, orderPath, story.total, config.consoleProbePauseMs, stopProbing.signal);
    const step = await runFixedRateStep(context, {
      label: `console@${rate}`,
      rate,
      seconds: config.measureSeconds,
      planner: mixedOrders(catalog, seededRandom(`${config.seed}:console`), { declineShare: 0 }),
    }).finally(() => stopProbing.abort());
    const samples = await probing;
    const usage = meter.stop()[0];
    const metrics = await operatorConsole.metrics();

    const orderPage = summarizeLatencies(samples.orderPageMs);
    const listPage = summarizeLatencies(samples.listPageMs);
    const errors = Object.values(samples.errorKinds).reduce((sum, count) => sum + count, 0);
    const slowest = Math.max(orderPage.p99 ?? Infinity, listPage.p99 ?? Infinity);
    return {
      offeredRate: rate,
      orderId,
      messages: { original: story.original, listed: story.total },
      readyMs,
      orderPage,
      listPage,
      errors,
      errorKinds: samples.errorKinds,
      index: {
        messages: metrics['console_message_index_messages'] ?? null,
        orders: metrics['console_message_index_orders'] ?? null,
      },
      console: {
        heapUsedMb: roundedMb(metrics['nodejs_heap_size_used_bytes']),
        cpuMs: usage?.cpuMs ?? 0,
        cpuShareOfCore: usage ? Math.round((usage.cpuMs / (performance.now() - probedFrom)) * 100) / 100 : 0,
        peakRssMb: usage?.peakRssMb ?? 0,
      },
      step,
      targetMs: config.targets.consolePageMs,
      met: errors === 0 && slowest < config.targets.consolePageMs,
    };
  } finally {
    await operatorConsole.stop();
  }
}

const roundedMb = (bytes: number | undefined) => (bytes === undefined ? null : Math.round(bytes / 2 ** 20));

/** An order of a customer who cannot pay: its story has a compensation in it. */
async function placeDeclinedOrder(context: ModeContext, catalog: Catalog): Promise<string> {
  const customerId = catalog.poorCustomers[0] ?? catalog.customers[0];
  const sku = catalog.skus[0];
  if (!customerId || !sku) {
    throw new Error('the catalog has no customer or no SKU');
  }
  const placed = await context.api.placeOrder(
    { customerId, items: [{ sku, quantity: 1 }], mode: context.mode },
    { idempotencyKey: `bench-${context.runTag}-${context.mode}-console`, timeoutMs: context.config.requestTimeoutMs },
  );
  const order = await context.api.finalOrder(placed.body.orderId, { timeoutMs: 30_000 });
  if (order.status !== 'CANCELLED') {
    throw new Error(`the console's order ${order.orderId} of a customer who cannot pay ended ${order.status}`);
  }
  return order.orderId;
}

/** Until the order page lists every message from the console's own index (not read from the topics), bounded. */
async function untilIndexed(operatorConsole: BenchConsole, path: string, messages: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await operatorConsole.page(path);
    const listed = Number(LISTED_MESSAGES.exec(page.html)?.[1] ?? -1);
    if (page.status === 200 && listed >= messages && !page.html.includes(READ_FROM_TOPICS)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the console's order page did not list the order's ${messages} messages from its index within ${timeoutMs} ms ` +
          `(last: HTTP ${page.status}, ${listed} listed${page.html.includes(READ_FROM_TOPICS) ? ', read from the topics' : ''})`,
      );
    }
    await sleep(500);
  }
}

/** One page at a time, alternating the order's page and the order list, until stopped. */
async function probePages(
  operatorConsole: BenchConsole,
  orderPath: string,
  messages: number,
  pauseMs: number,
  signal: AbortSignal,
): Promise<ProbeSamples> {
  const samples: ProbeSamples = { orderPageMs: [], listPageMs: [], errorKinds: {} };
  const failed = (kind: string) => (samples.errorKinds[kind] = (samples.errorKinds[kind] ?? 0) + 1);
  for (let turn = 0; !signal.aborted; turn++) {
    const orderTurn = turn % 2 === 0;
    try {
      const page = await operatorConsole.page(orderTurn ? orderPath : '/orders');
      if (page.status !== 200) {
        failed(`HTTP ${page.status}`);
      } else if (orderTurn && Number(LISTED_MESSAGES.exec(page.html)?.[1] ?? -1) < messages) {
        failed('order page without every message');
      } else {
        (orderTurn ? samples.orderPageMs : samples.listPageMs).push(page.ms);
      }
    } catch (error) {
      failed((error as { name?: string }).name === 'TimeoutError' ? 'timeout' : 'transport error');
    }
    await sleep(pauseMs);
  }
  return samples;
}
