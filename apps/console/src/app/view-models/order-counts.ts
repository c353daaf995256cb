import { orderStatusSchema, type OrderStatus } from '@dtx/contracts';

/** How many orders there are in each status, and per mode and status, from the order service's `orders` gauge. */
export interface OrderCounts {
  total: number;
  byStatus: Record<OrderStatus, number>;
  byMode: Record<string, Record<OrderStatus, number>>;
  /** Cancelled orders by reason. */
  byReason: Record<string, number>;
}

const zeroes = (): Record<OrderStatus, number> => ({ PENDING: 0, CONFIRMED: 0, CANCELLED: 0 });

/**
 * Reads the `orders{mode,status,reason}` series out of a Prometheus text
 * exposition (the order service's `/metrics`); other series are ignored.
 */
export function orderCountsFromMetrics(text: string): OrderCounts {
  const counts: OrderCounts = { total: 0, byStatus: zeroes(), byMode: {}, byReason: {} };
  for (const line of text.split('\n')) {
    const match = /^orders\{([^}]*)\}\s+([0-9.eE+-]+)/.exec(line);
    if (!match) {
      continue;
    }
    const labels = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]),
    );
    const status = orderStatusSchema.safeParse(labels['status']);
    const value = Number(match[2]);
    if (!status.success || !Number.isFinite(value)) {
      continue;
    }
    const mode = labels['mode'] ?? '?';
    counts.total += value;
    counts.byStatus[status.data] += value;
    (counts.byMode[mode] ??= zeroes())[status.data] += value;
    if (labels['reason']) {
      counts.byReason[labels['reason']] = (counts.byReason[labels['reason']] ?? 0) + value;
    }
  }
  return counts;
}
