import type { SqlExecutor } from '@dtx/sql';
import type { Violation } from './audit-report.js';
import { isFinal, type AuditedOrder } from './orders.js';

const agreeing: Record<string, string> = { CONFIRMED: 'COMMITTED', CANCELLED: 'ABORTED' };

/**
 * Each final 2PC order has its transaction in the coordinator's log (its id
 * is the order id), decided and acknowledged by every participant (COMMITTED
 * or ABORTED), the decision agreeing with the order's status.
 */
export async function checkTwoPhaseTransactions(
  coordinator: SqlExecutor,
  orders: Map<string, AuditedOrder>,
): Promise<Violation[]> {
  const rows = await coordinator.query<{ order_id: string; state: string; reason: string | null }>(
    'SELECT order_id, state, reason FROM transactions',
  );
  const transactionOf = new Map(rows.map((row) => [row.order_id, row]));
  const violations: Violation[] = [];
  for (const order of orders.values()) {
    if (order.mode !== '2pc' || !isFinal(order)) {
      continue;
    }
    const transaction = transactionOf.get(order.id);
    const violation = (kind: Violation['kind'], detail: string) =>
      violations.push({ kind, subject: 'order', id: order.id, detail: `${order.status} order: ${detail}` });
    if (!transaction) {
      violation('transaction-missing', 'no transaction in the coordinator log');
    } else if (transaction.state !== 'COMMITTED' && transaction.state !== 'ABORTED') {
      violation('transaction-not-finished', `transaction is ${transaction.state}`);
    } else if (transaction.state !== agreeing[order.status]) {
      violation(
        'transaction-disagrees',
        `transaction is ${transaction.state}${transaction.reason ? ` (${transaction.reason})` : ''}`,
      );
    }
  }
  return violations;
}
