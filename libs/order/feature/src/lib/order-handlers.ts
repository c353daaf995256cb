import { sagaCommandHandler, type MessageHandlers } from '@dtx/inbox';
import { outgoing, type OutgoingMessage, type SqlTransaction } from '@dtx/outbox';
import { finishOrder } from './order.repository.js';

async function confirm(tx: SqlTransaction, orderId: string): Promise<OutgoingMessage[]> {
  const decided = await finishOrder(tx, orderId, 'choreography', { status: 'CONFIRMED' });
  return decided ? [outgoing('OrderConfirmed', { orderId, mode: 'choreography' })] : [];
}

async function cancel(tx: SqlTransaction, orderId: string, reason: string): Promise<OutgoingMessage[]> {
  const decided = await finishOrder(tx, orderId, 'choreography', { status: 'CANCELLED', reason });
  return decided ? [outgoing('OrderCancelled', { orderId, mode: 'choreography', reason })] : [];
}

/**
 * The order's part in the choreographed saga: it decides the outcome from
 * inventory's and payment's events, once, and announces it; the others
 * finish or compensate their part when they hear it.
 */
export function choreographyHandlers(): MessageHandlers {
  return {
    StockUnavailable: async ({ tx, message }) => cancel(tx, message.payload.orderId, message.payload.reason),
    PaymentAuthorized: async ({ tx, message }) => confirm(tx, message.payload.orderId),
    PaymentDeclined: async ({ tx, message }) => cancel(tx, message.payload.orderId, message.payload.reason),
  };
}

/**
 * The order's part in the orchestrated saga: the orchestrator decides, the
 * order records the decision. Approval and rejection share one guarded step,
 * so an order is decided once.
 */
export function orchestrationHandlers(): MessageHandlers {
  return {
    ApproveOrder: sagaCommandHandler<'ApproveOrder'>({
      resource: 'order-decision',
      kind: 'action',
      run: async (tx, command) => {
        await finishOrder(tx, command.orderId, 'orchestration', { status: 'CONFIRMED' });
        return { outcome: 'OrderApproved', events: [] };
      },
    }),
    RejectOrder: sagaCommandHandler<'RejectOrder'>({
      resource: 'order-decision',
      kind: 'action',
      run: async (tx, command) => {
        await finishOrder(tx, command.orderId, 'orchestration', { status: 'CANCELLED', reason: command.reason });
        return { outcome: 'OrderRejected', events: [] };
      },
    }),
  };
}
