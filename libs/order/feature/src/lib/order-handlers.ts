import { sagaCommandHandler, type MessageHandlers } from '@dtx/inbox';
import { outgoing, type OutgoingMessage } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import { withSpan } from '@dtx/telemetry';
import { finishOrder } from '@dtx/order-data-access';

function confirm(tx: SqlTransaction, orderId: string): Promise<OutgoingMessage[]> {
  const attributes = { 'order.id': orderId, 'saga.mode': 'choreography', 'saga.step': 'confirm-order' };
  return withSpan('step confirm-order', { attributes }, async () => {
    const decided = await finishOrder(tx, orderId, 'choreography', { status: 'CONFIRMED' });
    return decided ? [outgoing('OrderConfirmed', { orderId, mode: 'choreography' })] : [];
  });
}

/** Cancelling is the compensation of creating the order; the other participants compensate when they hear it. */
function cancel(tx: SqlTransaction, orderId: string, reason: string): Promise<OutgoingMessage[]> {
  const attributes = { 'order.id': orderId, 'saga.mode': 'choreography', 'saga.step': 'cancel-order', 'saga.compensation': true, 'order.cancel_reason': reason };
  return withSpan('compensate cancel-order', { attributes }, async () => {
    const decided = await finishOrder(tx, orderId, 'choreography', { status: 'CANCELLED', reason });
    return decided ? [outgoing('OrderCancelled', { orderId, mode: 'choreography', reason })] : [];
  });
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
      name: 'approve-order',
      kind: 'action',
      run: async (tx, command) => {
        await finishOrder(tx, command.orderId, 'orchestration', { status: 'CONFIRMED' });
        return { outcome: 'OrderApproved', events: [] };
      },
    }),
    RejectOrder: sagaCommandHandler<'RejectOrder'>({
      resource: 'order-decision',
      name: 'reject-order',
      kind: 'action',
      run: async (tx, command) => {
        await finishOrder(tx, command.orderId, 'orchestration', { status: 'CANCELLED', reason: command.reason });
        return { outcome: 'OrderRejected', events: [] };
      },
    }),
  };
}
