import type { MessageHandlers } from '@dtx/inbox';
import { authorizePayment, capturePayment, compensatePayment } from './payments.js';

/** Payment's part in the choreographed saga: it reacts to inventory's and the order's events. */
export function choreographyHandlers(): MessageHandlers {
  return {
    StockReserved: async ({ tx, message }) => authorizePayment(tx, message.payload),
    OrderConfirmed: async ({ tx, message }) =>
      message.payload.mode === 'choreography' ? capturePayment(tx, message.payload.orderId) : [],
    OrderCancelled: async ({ tx, message }) =>
      message.payload.mode === 'choreography' ? compensatePayment(tx, message.payload.orderId, message.payload.reason) : [],
  };
}
