import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { outgoing } from '@dtx/outbox';
import {
  catalogPrices,
  findStoredAnswer,
  placeOrderOnce,
  type NewOrder,
  type StoredAnswer,
} from '@dtx/order-data-access';
import { PgExecutor, type SqlExecutor } from '@dtx/sql';
import { Messaging, SQL_POOL } from '@dtx/service-platform';
import type pg from 'pg';
import { activeTraceHeaders, activeTraceId } from '@dtx/telemetry';
import {
  orderTotal,
  priceLines,
  requestFingerprint,
  type PlaceOrderRequest,
  type PricedLines,
} from './order-request.js';
import { traceContextForRequest } from './trace-context.js';
import { TwoPhaseOrders, type TwoPhaseOutcome } from './two-phase-orders.service.js';

export interface PlacedOrder {
  status: 200 | 201 | 202;
  body: {
    orderId: string;
    status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
    mode: string;
    traceId: string | null;
    reason?: string;
  };
}

/** What POST /orders comes to; the controller turns each into its status code. */
export type PlaceOrderOutcome =
  | { kind: 'placed'; order: PlacedOrder }
  /** quantity x unitPrice summed over the items does not fit a JSON number exactly. */
  | { kind: 'total-too-large' }
  /** The key was used before with another body. */
  | { kind: 'idempotency-key-reused' }
  /** A line's SKU, or several, has no price in the catalog. */
  | Extract<PricedLines, { kind: 'unknown-skus' }>
  /** A price the client gave is not the catalog's. */
  | Extract<PricedLines, { kind: 'price-changed' }>
  /** A 2PC order the coordinator did not decide within the answer timeout; it stays PENDING. */
  | { kind: 'undecided'; orderId: string; detail: string };

/** The HTTP server span's trace when tracing runs; otherwise the caller's `traceparent`, or a new trace. */
function currentRequestTrace(traceparent: string | undefined) {
  const headers = activeTraceHeaders();
  const traceId = activeTraceId();
  return headers && traceId ? { ...headers, traceId } : traceContextForRequest(traceparent);
}

/**
 * POST /orders: the order, the answer for its idempotency key and, for the
 * saga modes, its OrderCreated event are written in one transaction (a 2PC
 * order, with no event, in one statement). A retry with the same key and
 * body gets the stored answer; nothing new is created.
 * A 2PC order is answered only when its transaction is decided (and a retry
 * of it waits for that same decision).
 */
@Injectable()
export class OrderPlacementService {
  private readonly database: SqlExecutor;

  constructor(
    private readonly messaging: Messaging,
    private readonly twoPhase: TwoPhaseOrders,
    @Inject(SQL_POOL) pool: pg.Pool,
  ) {
    this.database = new PgExecutor(pool);
  }

  /** Places `customerId`'s order (the caller's, as its token says), priced from the catalog. */
  async place(
    customerId: string,
    idempotencyKey: string,
    request: PlaceOrderRequest,
    traceparent?: string,
  ): Promise<PlaceOrderOutcome> {
    const requestHash = requestFingerprint(customerId, request);
    const priced = priceLines(
      request.items,
      await catalogPrices(
        this.database,
        request.items.map((line) => line.sku),
      ),
    );
    if (priced.kind !== 'priced') {
      // A replay of a request placed before the price changed still gets its first answer.
      const earlier = await findStoredAnswer(this.database, customerId, idempotencyKey);
      return earlier ? this.replay(earlier, requestHash, request) : priced;
    }
    const total = orderTotal(priced.lines);
    if (total === undefined) {
      return { kind: 'total-too-large' };
    }
    const orderId = randomUUID();
    const trace = currentRequestTrace(traceparent);
    const answer: PlacedOrder = {
      status: 202,
      body: { orderId, status: 'PENDING', mode: request.mode, traceId: trace.traceId },
    };

    const storedAnswer = { requestHash, ...answer };
    const order: NewOrder = {
      orderId,
      customerId,
      mode: request.mode,
      items: priced.lines,
      total,
      traceId: trace.traceId,
    };
    const earlier =
      request.mode === '2pc'
        ? await placeOrderOnce(this.database, idempotencyKey, storedAnswer, order)
        : await this.placeWithEvent(idempotencyKey, storedAnswer, order, trace);

    if (earlier) {
      return this.replay(earlier, requestHash, request);
    }
    if (request.mode !== '2pc') {
      return { kind: 'placed', order: answer };
    }
    return this.answerTwoPhase(answer, await this.twoPhase.decide({ orderId, customerId, items: priced.lines, total }));
  }

  /** The first answer for the key, if this is the same request again; a 2PC order's waits for its decision. */
  private async replay(earlier: StoredAnswer, requestHash: string, request: PlaceOrderRequest) {
    if (earlier.requestHash !== requestHash) {
      return { kind: 'idempotency-key-reused' } as const;
    }
    const stored = earlier as StoredAnswer & PlacedOrder;
    return request.mode === '2pc'
      ? this.answerTwoPhase(stored, await this.twoPhase.resume(stored.body.orderId))
      : ({ kind: 'placed', order: stored } as const);
  }

  /** A saga order: the order and its OrderCreated event, in one transaction. */
  private placeWithEvent(
    idempotencyKey: string,
    answer: StoredAnswer,
    order: NewOrder,
    trace: ReturnType<typeof currentRequestTrace>,
  ): Promise<StoredAnswer | undefined> {
    return this.messaging.transaction(async (tx) => {
      const earlier = await placeOrderOnce(tx, idempotencyKey, answer, order);
      if (!earlier) {
        const { orderId, customerId, mode, items, total } = order;
        const created = outgoing('OrderCreated', { orderId, customerId, mode, items, total });
        // The transaction's last statement: where it can, its COMMIT travels with it.
        await this.messaging.outbox.emit(tx.committing ?? tx, [created], {
          aggregateId: orderId,
          correlationId: orderId,
          trace,
        });
      }
      return earlier;
    });
  }

  private answerTwoPhase(placed: PlacedOrder, outcome: TwoPhaseOutcome): PlaceOrderOutcome {
    if (outcome.kind === 'undecided') {
      return { kind: 'undecided', orderId: placed.body.orderId, detail: outcome.detail };
    }
    const { reason, status } = outcome;
    return {
      kind: 'placed',
      order: {
        status: status === 'CONFIRMED' ? 201 : 200,
        body: { ...placed.body, status, ...(reason ? { reason } : {}) },
      },
    };
  }
}
