import { orderParticipant } from '@dtx/contracts';
import type { MessageHandlers } from '@dtx/inbox';
import { outgoing, type OutgoingMessage } from '@dtx/outbox';
import { orchestrated, participantStep } from '@dtx/participant';
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
  const attributes = {
    'order.id': orderId,
    'saga.mode': 'choreography',
    'saga.step': 'cancel-order',
    'saga.compensation': true,
    'order.cancel_reason': reason,
  };
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

/** The orchestrator decided: the order is confirmed. Approval and rejection guard one resource, so an order is decided once. */
const orderApproval = participantStep({
  resource: 'order-decision',
  action: {
    command: orderParticipant.approveOrder,
    name: 'approve-order',
    run: async (tx, { orderId }) => {
      await finishOrder(tx, orderId, 'orchestration', { status: 'CONFIRMED' });
      return { outcome: 'OrderApproved', events: [] };
    },
  },
});

/** The orchestrator decided: the order is cancelled. */
const orderRejection = participantStep({
  resource: 'order-decision',
  action: {
    command: orderParticipant.rejectOrder,
    name: 'reject-order',
    run: async (tx, { orderId, reason }) => {
      await finishOrder(tx, orderId, 'orchestration', { status: 'CANCELLED', reason });
      return { outcome: 'OrderRejected', events: [] };
    },
  },
});

/** The order's part in the orchestrated saga: it records the orchestrator's decision. */
export function orchestrationHandlers(): MessageHandlers {
  return orchestrated(orderApproval, orderRejection);
}

/** Everything the order service consumes. */
export function orderHandlers(): MessageHandlers {
  return { ...choreographyHandlers(), ...orchestrationHandlers() };
}
