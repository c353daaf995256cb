import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { decisionOf, type TransactionView } from '@dtx/contracts';
import { findUnfinishedTwoPhaseOrders, type OrderDatabaseClient, type OrderView } from '@dtx/order-data-access';
import { ApiError, DATABASE } from '@dtx/service-platform';
import { TwoPhaseParticipant } from '@dtx/two-phase';
import { errorMessage, sleep } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import { CoordinatorClient, CoordinatorUnavailable } from './coordinator-client.js';
import { OrderQueriesService } from './order-queries.service.js';

export const TWO_PHASE_ORDER_OPTIONS = Symbol('TWO_PHASE_ORDER_OPTIONS');

export interface TwoPhaseOrderOptions {
  coordinatorUrl: string;
  /** How long a POST waits for the decision before answering 504. */
  answerTimeoutMs: number;
}

/** What POST /orders answers for a 2PC order once it is final. */
export interface TwoPhaseAnswer {
  status: 201 | 200;
  body: { orderId: string; status: 'CONFIRMED' | 'CANCELLED'; mode: '2pc'; traceId: string | null; reason?: string };
}

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Takes a PENDING 2PC order to its final state: asks the coordinator to run
 * (or join) the order's transaction, whose id is the order id, and applies
 * the decision to the order here before answering, so that a GET right after
 * the answer shows it (read-your-writes), even if the coordinator's own
 * phase-2 message to this service is still on its way.
 */
@Injectable()
export class TwoPhaseOrders implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly coordinator: CoordinatorClient;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(TWO_PHASE_ORDER_OPTIONS) private readonly options: TwoPhaseOrderOptions,
    @Inject(DATABASE) private readonly database: OrderDatabaseClient,
    private readonly participant: TwoPhaseParticipant,
    private readonly queries: OrderQueriesService,
    private readonly logger: PinoLogger,
  ) {
    this.coordinator = new CoordinatorClient(options.coordinatorUrl);
  }

  /**
   * A 2PC order whose POST ended without an answer (the client gave up, this
   * process died) would stay PENDING; every few seconds such orders are
   * driven to their outcome.
   */
  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.finishAbandoned(), SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  async complete(orderId: string): Promise<TwoPhaseAnswer> {
    let order = await this.findOrder(orderId);
    if (order.status === 'PENDING') {
      await this.apply(await this.awaitDecision(order));
      order = await this.findOrder(orderId);
    }
    if (order.status === 'PENDING') {
      throw new Error(`order ${orderId} is still PENDING after its decision was applied`);
    }
    const body = { orderId, status: order.status, mode: '2pc' as const, traceId: order.traceId, ...(order.reason ? { reason: order.reason } : {}) };
    return { status: order.status === 'CONFIRMED' ? 201 : 200, body };
  }

  private async awaitDecision(order: OrderView): Promise<TransactionView> {
    const request = { transactionId: order.orderId, orderId: order.orderId, customerId: order.customerId, items: order.items, total: order.total };
    const giveUpAt = Date.now() + this.options.answerTimeoutMs;
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
      try {
        return await this.coordinator.decide(request, Math.max(1, giveUpAt - Date.now()));
      } catch (error) {
        if (!(error instanceof CoordinatorUnavailable)) {
          throw error;
        }
        if (Date.now() + delayMs >= giveUpAt) {
          throw new ApiError(
            504,
            'TRANSACTION_UNDECIDED',
            `No decision for order ${order.orderId} within ${this.options.answerTimeoutMs} ms (${error.message}). ` +
              'The order stays PENDING until the coordinator decides; repeat the request with the same Idempotency-Key to get the outcome.',
          );
        }
      }
      await sleep(delayMs);
    }
  }

  /** This service's own part of phase 2, done here and now; the coordinator's copy of it then changes nothing. */
  private async apply(transaction: TransactionView): Promise<void> {
    const decision = decisionOf(transaction.state);
    for (let attempt = 1; ; attempt++) {
      try {
        if (decision === 'COMMITTED') {
          await this.participant.commit(transaction.id);
        } else {
          await this.participant.abort(transaction.id, { orderId: transaction.orderId, reason: transaction.reason ?? 'ABORTED' });
        }
        return;
      } catch (error) {
        // Busy: the coordinator's phase-2 call is applying the same decision at this moment.
        if (attempt >= 20) {
          throw error;
        }
        await sleep(50);
      }
    }
  }

  private async findOrder(orderId: string): Promise<OrderView> {
    const order = await this.queries.find(orderId);
    if (!order) {
      throw new Error(`order ${orderId} was not found`);
    }
    return order;
  }

  private async finishAbandoned(): Promise<void> {
    const placedBefore = new Date(Date.now() - this.options.answerTimeoutMs);
    const stale = await findUnfinishedTwoPhaseOrders(this.database, placedBefore, 50).catch(() => []);
    for (const id of stale) {
      await this.complete(id).catch((error: unknown) =>
        this.logger.warn({ orderId: id, err: errorMessage(error) }, '2PC order still undecided; trying again later'),
      );
    }
  }
}
