import { inventoryParticipant } from '@dtx/contracts';
import type { BatchLocks, MessageHandlers } from '@dtx/inbox';
import { lockStockRowsFirst } from '@dtx/inventory-data-access';
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

/** Its part in the choreographed saga that an order waits for: reserving the stock of a new order. */
function choreographyStepHandlers(): MessageHandlers {
  return { OrderCreated: choreographed(stockReservation.action, (order) => order) };
}

/** Inventory's part in the orchestrated saga: it answers the orchestrator's commands (the settling ones too: they travel with the others). */
function orchestrationHandlers(): MessageHandlers {
  return orchestrated(stockReservation, stockCommit);
}

/** The saga steps an order waits for, in both flows (the `saga-steps` lane). */
export function sagaStepHandlers(): MessageHandlers {
  return { ...choreographyStepHandlers(), ...orchestrationHandlers() };
}

/** Selling or releasing a decided order's stock, which no one waits for (the `settlement` lane). */
export function settlementHandlers(): MessageHandlers {
  return {
    OrderConfirmed: choreographed(stockCommit.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(stockReservation.compensation, ({ orderId }) => ({ orderId })),
  };
}

/** Everything inventory consumes. */
export function inventoryHandlers(): MessageHandlers {
  return { ...sagaStepHandlers(), ...settlementHandlers() };
}

/**
 * A batch of either lane takes the stock rows of all its orders first, in
 * SKU order: a reservation locks its own SKUs in order, but a batch of them
 * next to a batch of commits (the other lane, or another replica) would
 * otherwise lock SKU-3 then SKU-5 while the other locks SKU-5 then SKU-3.
 * A batch of one message locks in order already.
 */
export const lockStockFirst: BatchLocks = async (tx, messages) => {
  if (messages.length < 2) {
    return;
  }
  const payloads = messages.map(({ payload }) => payload as { orderId?: string; items?: { sku: string }[] });
  await lockStockRowsFirst(
    tx,
    payloads.flatMap(({ items }) => items?.map(({ sku }) => sku) ?? []),
    payloads.flatMap(({ orderId }) => (orderId ? [orderId] : [])),
  );
};
