import type { SqlExecutor } from '@dtx/sql';
import type { OrderCounts, Violation } from './audit-report.js';

export interface AuditedOrder {
  id: string;
  mode: string;
  status: string;
  reason: string | null;
  customerId: string;
  total: number;
  skus: string[];
}

export const isFinal = (order: AuditedOrder) => order.status === 'CONFIRMED' || order.status === 'CANCELLED';

/** Every order with the SKUs of its lines, by id. */
export async function loadOrders(orders: SqlExecutor): Promise<Map<string, AuditedOrder>> {
  const rows = await orders.query<{
    id: string;
    mode: string;
    status: string;
    reason: string | null;
    customer_id: string;
    total_amount: string;
    skus: string[];
  }>(
    `SELECT o.id, o.mode, o.status, o.reason, o.customer_id, o.total_amount,
            COALESCE(array_agg(DISTINCT i.sku) FILTER (WHERE i.sku IS NOT NULL), '{}') AS skus
       FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
      GROUP BY o.id`,
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        mode: row.mode,
        status: row.status,
        reason: row.reason,
        customerId: row.customer_id,
        total: Number(row.total_amount),
        skus: row.skus,
      },
    ]),
  );
}

/** Every order must have reached CONFIRMED or CANCELLED. */
export function checkOrdersFinal(orders: Map<string, AuditedOrder>): Violation[] {
  return [...orders.values()]
    .filter((order) => !isFinal(order))
    .map((order) => ({
      kind: 'order-not-final',
      subject: 'order',
      id: order.id,
      detail: `${order.mode} order is ${order.status}`,
    }));
}

/** Orders per mode, then per status. */
export function countOrders(orders: Iterable<AuditedOrder>): OrderCounts {
  const counts: OrderCounts = {};
  for (const { mode, status } of orders) {
    const byStatus = (counts[mode] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  return counts;
}
