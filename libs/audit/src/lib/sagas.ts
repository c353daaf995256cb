import type { SqlExecutor } from '@dtx/sql';
import type { Violation } from './audit-report.js';
import { isFinal, type AuditedOrder } from './orders.js';

const agreeing: Record<string, string> = { CONFIRMED: 'COMPLETED', CANCELLED: 'COMPENSATED' };

/** Each final orchestrated order has its create-order saga, finished, COMPLETED if confirmed and COMPENSATED if cancelled. */
export async function checkSagas(orchestrator: SqlExecutor, orders: Map<string, AuditedOrder>): Promise<Violation[]> {
  const rows = await orchestrator.query<{ order_id: string; state: string; needs_attention: boolean }>(
    `SELECT order_id, state, needs_attention FROM saga_instances WHERE type = 'create-order'`,
  );
  const sagaOf = new Map(rows.map((row) => [row.order_id, row]));
  const violations: Violation[] = [];
  for (const order of orders.values()) {
    if (order.mode !== 'orchestration' || !isFinal(order)) {
      continue;
    }
    const saga = sagaOf.get(order.id);
    const violation = (kind: Violation['kind'], detail: string) =>
      violations.push({ kind, subject: 'order', id: order.id, detail: `${order.status} order: ${detail}` });
    if (!saga) {
      violation('saga-missing', 'no create-order saga');
    } else if (saga.state !== 'COMPLETED' && saga.state !== 'COMPENSATED') {
      violation('saga-not-finished', `saga is ${saga.state}${saga.needs_attention ? ' (needs attention)' : ''}`);
    } else if (saga.state !== agreeing[order.status]) {
      violation('saga-disagrees', `saga is ${saga.state}`);
    }
  }
  return violations;
}
