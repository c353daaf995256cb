import type { SqlExecutor } from '@dtx/sql';
import type { Violation } from './audit-report.js';
import { groupBy } from './group-by.js';
import { isFinal, type AuditedOrder } from './orders.js';

/**
 * Per order: a confirmed order has exactly one CAPTURED payment, of its total;
 * a cancelled one has none; no final order still holds an AUTHORIZED payment.
 */
export async function checkOrderPayments(
  payments: SqlExecutor,
  orders: Map<string, AuditedOrder>,
): Promise<Violation[]> {
  const rows = await payments.query<{ order_id: string; status: string; amount: string }>(
    `SELECT order_id, status, amount FROM payments WHERE status IN ('AUTHORIZED', 'CAPTURED')`,
  );
  const byOrder = groupBy(rows, (row) => row.order_id);
  const violations: Violation[] = [];
  const violation = (kind: Violation['kind'], order: AuditedOrder, detail: string) =>
    violations.push({ kind, subject: 'order', id: order.id, detail: `${order.mode} ${order.status} order: ${detail}` });
  for (const order of orders.values()) {
    if (!isFinal(order)) {
      continue;
    }
    const held = byOrder.get(order.id) ?? [];
    const captured = held.filter((row) => row.status === 'CAPTURED');
    const authorised = held.filter((row) => row.status === 'AUTHORIZED');
    if (order.status === 'CONFIRMED' && captured.length === 0) {
      violation('confirmed-without-captured-payment', order, 'no CAPTURED payment');
    }
    if (order.status === 'CONFIRMED' && captured.length > 1) {
      violation('multiple-captured-payments', order, `${captured.length} CAPTURED payments`);
    }
    if (order.status === 'CONFIRMED' && captured.length === 1 && Number(captured[0]?.amount) !== order.total) {
      violation('payment-amount-mismatch', order, `captured ${captured[0]?.amount}, total ${order.total}`);
    }
    if (order.status === 'CANCELLED' && captured.length > 0) {
      violation('captured-payment-for-cancelled-order', order, `${captured.length} CAPTURED payment(s)`);
    }
    if (authorised.length > 0) {
      violation('payment-authorised-for-final-order', order, `${authorised.length} AUTHORIZED payment(s) still held`);
    }
  }
  return violations;
}

/**
 * Per account: balance + captured = deposited (a refunded payment is REFUNDED,
 * no longer CAPTURED, and its money is back in the balance); the held amount
 * equals the AUTHORIZED payments; holds never exceed the balance.
 */
export async function checkAccounts(payments: SqlExecutor): Promise<Violation[]> {
  const rows = await payments.query<{
    customer_id: string;
    balance: string;
    reserved: string;
    deposited: string;
    captured: string;
    authorised: string;
  }>(
    `WITH totals AS (
       SELECT customer_id,
              COALESCE(SUM(amount) FILTER (WHERE status = 'CAPTURED'), 0) AS captured,
              COALESCE(SUM(amount) FILTER (WHERE status = 'AUTHORIZED'), 0) AS authorised
         FROM payments GROUP BY customer_id)
     SELECT customer_id, COALESCE(a.balance, 0) AS balance, COALESCE(a.reserved, 0) AS reserved,
            COALESCE(a.deposited, 0) AS deposited, COALESCE(t.captured, 0) AS captured,
            COALESCE(t.authorised, 0) AS authorised
       FROM accounts a FULL JOIN totals t USING (customer_id)
      ORDER BY customer_id`,
  );
  const violations: Violation[] = [];
  for (const row of rows) {
    const [balance, reserved, deposited, captured, authorised] = [
      row.balance,
      row.reserved,
      row.deposited,
      row.captured,
      row.authorised,
    ].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
    const account = (kind: Violation['kind'], detail: string) =>
      violations.push({ kind, subject: 'account', id: row.customer_id, detail });
    if (balance + captured !== deposited) {
      account('money-not-conserved', `balance ${balance} + captured ${captured} != deposited ${deposited}`);
    }
    if (reserved !== authorised) {
      account('account-reserved-mismatch', `reserved ${reserved} != authorised payments ${authorised}`);
    }
    if (balance - reserved < 0n) {
      account('account-overdrawn', `balance ${balance} - reserved ${reserved} < 0`);
    }
  }
  return violations;
}
