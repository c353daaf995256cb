import type { ServiceTokens } from '@dtx/auth';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { decisionOf, type TransactionView, type TwoPhaseWork } from '@dtx/contracts';
import { findUnfinishedTwoPhaseOrders, type OrderDatabaseClient } from '@dtx/order-data-access';
import { DATABASE } from '@dtx/service-platform';
import { errorMessage, sleep } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import { CoordinatorClient, CoordinatorUnavailable } from './coordinator-client.js';
import { OrderQueriesService } from './order-queries.service.js';

export const TWO_PHASE_ORDER_OPTIONS = Symbol('TWO_PHASE_ORDER_OPTIONS');

export interface TwoPhaseOrderOptions {
  coordinatorUrl: string;
  /** The order service's own tokens, for the coordinator. */
  serviceTokens: ServiceTokens;
  /** How long a POST waits for the decision before answering 504. */
  answerTimeoutMs: number;
}

/** How a 2PC order ended, or that the coordinator has not decided it in time. */
export type TwoPhaseOutcome =
  { kind: 'decided'; status: 'CONFIRMED' | 'CANCELLED'; reason?: string } | { kind: 'undecided'; detail: string };

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Takes a PENDING 2PC order to its outcome, in one direction: the order
 * service asks the coordinator to run (or join) the order's transaction,
 * whose id is the order id; the coordinator prepares, decides and commits or
 * aborts every participant, this service's own `/2pc` endpoints included,
 * and answers once phase 2 has been tried. The outcome comes from that
 * answer; this service never commits its own prepared transaction.
 */
@Injectable()
export class TwoPhaseOrders implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly coordinator: CoordinatorClient;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(TWO_PHASE_ORDER_OPTIONS) private readonly options: TwoPhaseOrderOptions,
    @Inject(DATABASE) private readonly database: OrderDatabaseClient,
    private readonly queries: OrderQueriesService,
    private readonly logger: PinoLogger,
  ) {
    this.coordinator = new CoordinatorClient(options.coordinatorUrl, options.serviceTokens);
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

  /** Runs the transaction of an order just written, from the work in hand. */
  async decide(work: TwoPhaseWork): Promise<TwoPhaseOutcome> {
    const giveUpAt = Date.now() + this.options.answerTimeoutMs;
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
      try {
        return outcomeOf(
          await this.coordinator.decide({ transactionId: work.orderId, ...work }, Math.max(1, giveUpAt - Date.now())),
        );
      } catch (error) {
        if (!(error instanceof CoordinatorUnavailable)) {
          throw error;
        }
        if (Date.now() + delayMs >= giveUpAt) {
          return { kind: 'undecided', detail: `${this.options.answerTimeoutMs} ms (${error.message})` };
        }
      }
      await sleep(delayMs);
    }
  }

  /** The outcome of an order placed earlier (a repeated request, an abandoned one): stored if final, else decided now. */
  async resume(orderId: string): Promise<TwoPhaseOutcome> {
    const order = await this.queries.find(orderId);
    if (!order) {
      throw new Error(`order ${orderId} was not found`);
    }
    if (order.status !== 'PENDING') {
      return { kind: 'decided', status: order.status, ...(order.reason ? { reason: order.reason } : {}) };
    }
    return this.decide({ orderId, customerId: order.customerId, items: order.items, total: order.total });
  }

  private async finishAbandoned(): Promise<void> {
    const placedBefore = new Date(Date.now() - this.options.answerTimeoutMs);
    const stale = await findUnfinishedTwoPhaseOrders(this.database, placedBefore, 50).catch(() => []);
    for (const id of stale) {
      const outcome = await this.resume(id).catch((error: unknown) => ({
        kind: 'undecided' as const,
        detail: errorMessage(error),
      }));
      if (outcome.kind === 'undecided') {
        this.logger.warn({ orderId: id, err: outcome.detail }, '2PC order still undecided; trying again later');
      }
    }
  }
}

function outcomeOf(transaction: TransactionView): TwoPhaseOutcome {
  return decisionOf(transaction.state) === 'COMMITTED'
    ? { kind: 'decided', status: 'CONFIRMED' }
    : { kind: 'decided', status: 'CANCELLED', reason: transaction.reason ?? 'ABORTED' };
}
