import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { outgoing } from '@dtx/outbox';
import { ApiError, Messaging } from '@dtx/service-platform';
import { activeTraceHeaders, activeTraceId } from '@dtx/telemetry';
import { claimIdempotencyKey, insertOrder } from '@dtx/order-data-access';
import { orderTotal, requestFingerprint, type PlaceOrderRequest } from './order-request.js';
import { traceContextForRequest } from './trace-context.js';
import { TwoPhaseOrders } from './two-phase-orders.service.js';

export interface PlacedOrder {
  status: number;
  body: { orderId: string; status: 'PENDING' | 'CONFIRMED' | 'CANCELLED'; mode: string; traceId: string | null; reason?: string };
}

/** The HTTP server span's trace when tracing runs; otherwise the caller's `traceparent`, or a new trace. */
function currentRequestTrace(traceparent: string | undefined) {
  const headers = activeTraceHeaders();
  const traceId = activeTraceId();
  return headers && traceId ? { ...headers, traceId } : traceContextForRequest(traceparent);
}

/**
 * POST /orders: the order, the answer for its idempotency key and, for the
 * saga modes, its OrderCreated event are written in one transaction. A retry
 * with the same key and body gets the stored answer; nothing new is created.
 * A 2PC order is answered only when its transaction is decided (and a retry
 * of it waits for that same decision).
 */
@Injectable()
export class OrderPlacementService {
  constructor(
    private readonly messaging: Messaging,
    private readonly twoPhase: TwoPhaseOrders,
  ) {}

  async place(idempotencyKey: string, request: PlaceOrderRequest, traceparent?: string): Promise<PlacedOrder> {
    const total = orderTotal(request.items);
    if (total === undefined) {
      throw ApiError.badRequest('Invalid request body: the order total is too large', [
        { path: 'items', message: 'total of quantity x unitPrice exceeds 9007199254740991' },
      ]);
    }
    const orderId = randomUUID();
    const trace = currentRequestTrace(traceparent);
    const answer: PlacedOrder = {
      status: 202,
      body: { orderId, status: 'PENDING', mode: request.mode, traceId: trace.traceId },
    };
    const requestHash = requestFingerprint(request);

    const placed = await this.messaging.transaction(async (tx) => {
      const earlier = await claimIdempotencyKey(tx, idempotencyKey, { requestHash, orderId, ...answer });
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new ApiError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency-Key "${idempotencyKey}" was already used with a different request body`,
            [{ path: 'Idempotency-Key', message: 'already used with a different request body' }],
          );
        }
        return earlier as PlacedOrder;
      }
      await insertOrder(tx, { orderId, customerId: request.customerId, mode: request.mode, items: request.items, total, traceId: trace.traceId });
      if (request.mode !== '2pc') {
        await this.messaging.outbox.emit(
          tx,
          [outgoing('OrderCreated', { orderId, customerId: request.customerId, mode: request.mode, items: request.items, total })],
          { aggregateId: orderId, correlationId: orderId, trace },
        );
      }
      return answer;
    });
    return request.mode === '2pc' ? this.twoPhase.complete(placed.body.orderId) : placed;
  }
}
