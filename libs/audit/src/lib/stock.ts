import type { SqlExecutor } from '@dtx/sql';
import type { Violation } from './audit-report.js';
import { isFinal, type AuditedOrder } from './orders.js';

/**
 * Per order: a confirmed order's stock is sold (its reservation COMMITTED, as
 * both the saga commit and the 2PC prepare leave it), a cancelled order's is
 * not, and no final order still holds a RESERVED reservation.
 */
export async function checkOrderReservations(
  inventory: SqlExecutor,
  orders: Map<string, AuditedOrder>,
): Promise<Violation[]> {
  const rows = await inventory.query<{ order_id: string; status: string }>(
    `SELECT order_id, status FROM reservations WHERE status IN ('RESERVED', 'COMMITTED')`,
  );
  const statusOf = new Map(rows.map((row) => [row.order_id, row.status]));
  const violations: Violation[] = [];
  for (const order of orders.values()) {
    if (!isFinal(order)) {
      continue;
    }
    const status = statusOf.get(order.id);
    const violation = (kind: Violation['kind'], detail: string) =>
      violations.push({
        kind,
        subject: 'order',
        id: order.id,
        detail: `${order.mode} ${order.status} order: ${detail}`,
      });
    if (order.status === 'CONFIRMED' && status !== 'COMMITTED') {
      violation('confirmed-without-sold-stock', `reservation is ${status ?? 'missing or not held'}`);
    }
    if (order.status === 'CANCELLED' && status === 'COMMITTED') {
      violation('sold-stock-for-cancelled-order', 'reservation is COMMITTED');
    }
    if (status === 'RESERVED') {
      violation('reservation-held-for-final-order', 'reservation is still RESERVED');
    }
  }
  return violations;
}

/**
 * Per SKU: available + reserved + sold = stocked, where sold counts the lines
 * of COMMITTED reservations; and the reserved counter equals the lines of
 * RESERVED reservations.
 */
export async function checkStockLevels(inventory: SqlExecutor): Promise<Violation[]> {
  const rows = await inventory.query<{
    sku: string;
    available: string;
    reserved: string;
    stocked: string;
    held: string;
    sold: string;
  }>(
    `WITH lines AS (
       SELECT line ->> 'sku' AS sku,
              COALESCE(SUM((line ->> 'quantity')::bigint) FILTER (WHERE r.status = 'RESERVED'), 0) AS held,
              COALESCE(SUM((line ->> 'quantity')::bigint) FILTER (WHERE r.status = 'COMMITTED'), 0) AS sold
         FROM reservations r, jsonb_array_elements(r.items) AS line
        WHERE r.status IN ('RESERVED', 'COMMITTED')
        GROUP BY 1)
     SELECT sku, COALESCE(s.available, 0) AS available, COALESCE(s.reserved, 0) AS reserved,
            COALESCE(s.stocked, 0) AS stocked, COALESCE(l.held, 0) AS held, COALESCE(l.sold, 0) AS sold
       FROM stock_items s FULL JOIN lines l USING (sku)
      ORDER BY sku`,
  );
  const violations: Violation[] = [];
  for (const row of rows) {
    const [available, reserved, stocked, held, sold] = [
      row.available,
      row.reserved,
      row.stocked,
      row.held,
      row.sold,
    ].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
    if (available + reserved + sold !== stocked) {
      violations.push({
        kind: 'stock-not-conserved',
        subject: 'sku',
        id: row.sku,
        detail: `available ${available} + reserved ${reserved} + sold ${sold} != stocked ${stocked}`,
      });
    }
    if (reserved !== held) {
      violations.push({
        kind: 'stock-reserved-mismatch',
        subject: 'sku',
        id: row.sku,
        detail: `reserved ${reserved} != held reservations ${held}`,
      });
    }
  }
  return violations;
}
