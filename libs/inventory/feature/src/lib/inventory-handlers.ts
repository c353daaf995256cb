import type { MessageHandlers } from '@dtx/inbox';
import { commitReservation, releaseReservation, reserveStock } from './stock-reservations.js';

/** Inventory's part in the choreographed saga: it reacts to the order's events. */
export function choreographyHandlers(): MessageHandlers {
  return {
    OrderCreated: async ({ tx, message }) =>
      message.payload.mode === 'choreography' ? reserveStock(tx, message.payload) : [],
    OrderConfirmed: async ({ tx, message }) =>
      message.payload.mode === 'choreography' ? commitReservation(tx, message.payload.orderId) : [],
    OrderCancelled: async ({ tx, message }) =>
      message.payload.mode === 'choreography' ? releaseReservation(tx, message.payload.orderId) : [],
  };
}
