import { Inject, Injectable } from '@nestjs/common';
import { fixedCredentials, ShopApiError, ShopClient } from '@dtx/shop-client';
import { errorMessage } from '@dtx/util';
import type { ConsoleConfig } from '../console.config.js';
import { CONSOLE_CONFIG } from '../tokens.js';
import { orderCountsFromMetrics, type OrderCounts } from '../view-models/order-counts.js';

/** What a page shows instead of a part whose service did not answer. */
export function problemOf(service: string, error: unknown): string {
  if (error instanceof ShopApiError) {
    const body = error.apiError;
    return `${service} answered ${error.status}${body ? `: ${body.message}` : ''}`;
  }
  return `${service} did not answer: ${errorMessage(error)}`;
}

/** The services' REST APIs, called with the operator's own token (so their access rules apply to the operator). */
@Injectable()
export class Services {
  private counts: { at: number; value: Promise<OrderCounts> } | undefined;

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  /** A client that sends the operator's token with every request. */
  as(token: string): ShopClient {
    return new ShopClient(
      {
        order: this.config.ORDER_SERVICE_URL,
        inventory: this.config.INVENTORY_SERVICE_URL,
        payment: this.config.PAYMENT_SERVICE_URL,
        orchestrator: this.config.ORCHESTRATOR_SERVICE_URL,
        coordinator: this.config.COORDINATOR_URL,
      },
      { credentials: fixedCredentials(token), timeoutMs: this.config.CONSOLE_UPSTREAM_TIMEOUT_MS },
    );
  }

  /**
   * Orders by status from the order service's `orders` gauge (its /metrics,
   * which needs no token); one scrape a second at most, whoever asks.
   */
  orderCounts(): Promise<OrderCounts> {
    const now = Date.now();
    if (!this.counts || now - this.counts.at > 1_000) {
      const value = this.scrapeCounts();
      this.counts = { at: now, value };
      value.catch(() => (this.counts = undefined));
    }
    return this.counts.value;
  }

  private async scrapeCounts(): Promise<OrderCounts> {
    const response = await fetch(`${this.config.ORDER_SERVICE_URL}/metrics`, {
      signal: AbortSignal.timeout(this.config.CONSOLE_UPSTREAM_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(`order /metrics answered ${response.status}`);
    }
    return orderCountsFromMetrics(await response.text());
  }
}
