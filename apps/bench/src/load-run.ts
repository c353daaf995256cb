import type { WatchedProcess } from './process-usage.js';
import type { OrderMode } from '@dtx/contracts';
import { ShopApiError, type PlacedOrder, type ShopClient } from '@dtx/shop-client';
import { errorMessage } from '@dtx/util';
import type { BenchConfig } from './bench-config.js';
import type { FinalStateTracker } from './final-state-tracker.js';
import { runOpenLoop } from './open-loop-generator.js';
import type { OrderPlanner } from './workload.js';

/** What happened to one order of a load run; times are epoch ms. */
export interface OrderRecord {
  index: number;
  scheduledAt: number;
  sendLagMs: number;
  answeredAt: number | null;
  httpStatus: number | null;
  orderId: string | null;
  /** Why the order counts as an error: a non-2xx answer, a transport failure or timeout, or not sent. */
  error: string | null;
  finalStatus: 'CONFIRMED' | 'CANCELLED' | null;
  reason: string | null;
  finalAt: number | null;
  expectDecline: boolean;
}

/** What a mode's scenarios share: the mode, its API client and its final-state tracker. */
export interface ModeContext {
  mode: OrderMode;
  /** Without answer validation, on keep-alive sockets (see mode-run.ts). */
  api: ShopClient;
  tracker: FinalStateTracker;
  config: BenchConfig;
  /** Makes idempotency keys unique per run. */
  runTag: string;
  /** The processes whose CPU time and memory each step measures. */
  processes: readonly WatchedProcess[];
}

export interface LoadOptions {
  label: string;
  rate: number;
  durationMs: number;
  planner: OrderPlanner;
  stopWhen?: () => boolean;
}

export interface LoadRun {
  records: OrderRecord[];
  /** Epoch ms of the first scheduled send and of the end of the schedule. */
  startedAt: number;
  endedAt: number;
  /** False when some accepted orders were still pending after the drain timeout. */
  drained: boolean;
}

/**
 * Places orders at a fixed rate (open loop) and follows each to its final
 * state: a 2PC answer is final when it arrives; a saga's 202 is followed in
 * the order database by the tracker. Waits for stragglers up to the drain timeout.
 */
export async function runLoad(context: ModeContext, options: LoadOptions): Promise<LoadRun> {
  const records: OrderRecord[] = [];
  const keyPrefix = `bench-${context.runTag}-${context.mode}-${options.label.replace(/[^A-Za-z0-9_.:-]/g, '_')}`;
  const record = (index: number, scheduledAt: number, sendLagMs: number, expectDecline: boolean): OrderRecord => {
    const created: OrderRecord = {
      index,
      scheduledAt,
      sendLagMs,
      answeredAt: null,
      httpStatus: null,
      orderId: null,
      error: null,
      finalStatus: null,
      reason: null,
      finalAt: null,
      expectDecline,
    };
    records.push(created);
    return created;
  };

  const outcome = await runOpenLoop(
    {
      ratePerSecond: options.rate,
      durationMs: options.durationMs,
      stopWhen: options.stopWhen,
      maxInFlight: context.config.maxInFlight,
    },
    {
      send: async (index, scheduledAt, sendLagMs) => {
        const planned = options.planner(index);
        const order = record(index, scheduledAt, sendLagMs, planned.expectDecline);
        try {
          const answer = await context.api.placeOrder(
            { customerId: planned.customerId, items: planned.items, mode: context.mode },
            { idempotencyKey: `${keyPrefix}-${index}`, timeoutMs: context.config.requestTimeoutMs },
          );
          order.answeredAt = Date.now();
          order.httpStatus = answer.status;
          applyAnswer(context, order, answer);
        } catch (error) {
          order.answeredAt = Date.now();
          if (error instanceof ShopApiError) {
            order.httpStatus = error.status;
            const code = error.apiError?.error;
            order.error = `HTTP ${error.status}${code ? ` ${code}` : ''}`;
          } else {
            order.error = transportError(error);
          }
        }
      },
      dropped: (index, scheduledAt) => {
        record(index, scheduledAt, 0, false).error = 'not sent: generator in-flight limit reached';
      },
    },
  );
  const drained = await context.tracker.waitUntilNonePending(context.config.drainTimeoutMs);
  if (!drained) {
    context.tracker.forgetAll();
  }
  records.sort((left, right) => left.index - right.index);
  return { records, startedAt: outcome.startedAt, endedAt: outcome.endedAt, drained };
}

/** A 2xx answer. The client does not validate it (the check would be measured too), so what the bookkeeping relies on is checked here. */
function applyAnswer(context: ModeContext, order: OrderRecord, answer: PlacedOrder): void {
  const body: Partial<PlacedOrder['body']> = typeof answer.body === 'object' && answer.body !== null ? answer.body : {};
  if (typeof body.orderId !== 'string') {
    order.error = `HTTP ${answer.status} without an orderId`;
    return;
  }
  order.orderId = body.orderId;
  if (body.status === 'CONFIRMED' || body.status === 'CANCELLED') {
    order.finalStatus = body.status;
    order.reason = typeof body.reason === 'string' ? body.reason : null;
    order.finalAt = order.answeredAt;
  } else if (body.status === 'PENDING') {
    context.tracker.track(body.orderId, (state) => {
      order.finalStatus = state.status;
      order.reason = state.reason;
      order.finalAt = state.finalAt;
    });
  } else {
    order.error = `HTTP ${answer.status} with status ${String(body.status)}`;
  }
}

function transportError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : errorMessage(error).slice(0, 120);
}
