import { inventoryParticipant } from '@dtx/contracts';
import type { MessageHandlers } from '@dtx/inbox';
import { choreographed, orchestrated, participantStep } from '@dtx/participant';
import { commitReservation, releaseReservation, reserveStock } from './stock-reservations.js';

/** Reserving an order's stock, undone by releasing it. */
const stockReservation = participantStep({
  resource: 'stock',
  action: { command: inventoryParticipant.reserveStock, name: 'reserve-stock', run: reserveStock },
  compensation: {
    command: inventoryParticipant.releaseStock,
    name: 'release-stock',
    run: (tx, { orderId }) => releaseReservation(tx, orderId),
  },
});

/** Selling the reserved units once the order is confirmed. */
const stockCommit = participantStep({
  resource: 'stock-commit',
  action: {
    command: inventoryParticipant.commitStock,
    name: 'commit-stock',
    run: (tx, { orderId }) => commitReservation(tx, orderId),
  },
});

/** Inventory's part in the choreographed saga: it reacts to the order's events. */
export function choreographyHandlers(): MessageHandlers {
  return {
    OrderCreated: choreographed(stockReservation.action, (order) => order),
    OrderConfirmed: choreographed(stockCommit.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(stockReservation.compensation, ({ orderId }) => ({ orderId })),
  };
}

/** Inventory's part in the orchestrated saga: it answers the orchestrator's commands. */
export function orchestrationHandlers(): MessageHandlers {
  return orchestrated(stockReservation, stockCommit);
}

/** Everything inventory consumes. */
export function inventoryHandlers(): MessageHandlers {
  return { ...choreographyHandlers(), ...orchestrationHandlers() };
}
