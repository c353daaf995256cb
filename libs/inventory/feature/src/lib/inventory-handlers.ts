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

/** The saga steps an order waits for, in both flows (the `saga-steps` lane). */
export function sagaStepHandlers(): MessageHandlers {
  return {
    OrderCreated: choreographed(stockReservation.action, (order) => order),
    ...orchestrated(stockReservation),
  };
}

/** Settling a decided order's stock, which no one waits for (the `settlement` lane): selling or releasing it in choreography, selling it in orchestration. */
export function settlementHandlers(): MessageHandlers {
  return {
    OrderConfirmed: choreographed(stockCommit.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(stockReservation.compensation, ({ orderId }) => ({ orderId })),
    ...orchestrated(stockCommit),
  };
}

/** Everything inventory consumes. */
export function inventoryHandlers(): MessageHandlers {
  return { ...sagaStepHandlers(), ...settlementHandlers() };
}
