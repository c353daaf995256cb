import { randomUUID } from 'node:crypto';
import { ShopClient, type ShopCredentials } from '@dtx/shop-client';
import { errorMessage, sleep } from '@dtx/util';
import type { PlannedOrder } from './order-plan.js';

export interface Placement {
  order: PlannedOrder;
  idempotencyKey: string;
  /** When the first request was sent (epoch ms). */
  firstSentAt: number;
  /** Set once an order replica accepted the order. */
  orderId?: string;
  /** Requests sent, the first included. */
  requests: number;
  /** Why the order could not be placed within the deadline, if it could not. */
  failure?: string;
}

/** Statuses after which a client sends the same request again: the server could not take it now. */
const RETRIED_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/**
 * Places orders as a real client behind a load balancer would: one order
 * replica after the other, and after a refused connection, a timeout or a
 * 5xx, the same request again, with the same Idempotency-Key, until it is
 * accepted or the deadline passes.
 */
export class FailoverPlacer {
  private readonly clients: ShopClient[];
  private next = 0;

  constructor(
    orderUrls: string[],
    private readonly options: { deadlineMs: number; requestTimeoutMs: number; credentials: ShopCredentials },
  ) {
    this.clients = orderUrls.map(
      (order) => new ShopClient({ order }, { timeoutMs: options.requestTimeoutMs, credentials: options.credentials }),
    );
  }

  async place(order: PlannedOrder): Promise<Placement> {
    const placement: Placement = { order, idempotencyKey: randomUUID(), firstSentAt: Date.now(), requests: 0 };
    const deadline = Date.now() + this.options.deadlineMs;
    // Orders are spread over the replicas; a request sent again goes to the next one.
    let replica = this.next++;
    let backoffMs = 100;
    for (;;) {
      const attempt = await this.send(placement, replica++);
      if (attempt.kind === 'accepted') {
        return { ...placement, orderId: attempt.orderId };
      }
      if (attempt.kind === 'refused' || Date.now() + backoffMs > deadline) {
        return { ...placement, failure: attempt.why };
      }
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 2_000);
    }
  }

  private async send(
    placement: Placement,
    replica: number,
  ): Promise<{ kind: 'accepted'; orderId: string } | { kind: 'retry' | 'refused'; why: string }> {
    const client = this.clients[replica % this.clients.length];
    const { order } = placement;
    placement.requests++;
    try {
      const answer = await client?.request('order', 'POST', '/orders', {
        json: { customerId: order.customerId, mode: order.mode, items: order.items },
        headers: { 'Idempotency-Key': placement.idempotencyKey },
      });
      const orderId = (answer?.body as { orderId?: string } | undefined)?.orderId;
      if (answer && answer.status < 300 && orderId) {
        return { kind: 'accepted', orderId };
      }
      const why = `answered ${answer?.status}: ${JSON.stringify(answer?.body).slice(0, 200)}`;
      return { kind: answer && RETRIED_STATUSES.has(answer.status) ? 'retry' : 'refused', why };
    } catch (error) {
      return { kind: 'retry', why: errorMessage(error) };
    }
  }
}
