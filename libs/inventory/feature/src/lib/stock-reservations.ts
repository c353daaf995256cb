import type { inventoryParticipant, OrderLine } from '@dtx/contracts';
import type { CommandResult } from '@dtx/participant';
import { outgoing } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import { decideReservation, demandPerSku } from './reservation-decision.js';
import {
  endReservation,
  insertReservation,
  lockAvailableStock,
  moveToReserved,
  removeReserved,
} from '@dtx/inventory-data-access';

export interface ReservationRequest {
  orderId: string;
  customerId: string;
  total: number;
  items: OrderLine[];
}

/** Reserves every line of an order, or none. The participant guard makes sure this runs once per order. */
export async function reserveStock(
  tx: SqlTransaction,
  order: ReservationRequest,
): Promise<CommandResult<typeof inventoryParticipant.reserveStock>> {
  const demand = demandPerSku(order.items);
  const decision = decideReservation(demand, await lockAvailableStock(tx, [...demand.keys()]));
  if (decision.kind === 'reject') {
    await insertReservation(tx, order.orderId, 'REJECTED', []);
    return {
      outcome: 'StockUnavailable',
      reason: 'OUT_OF_STOCK',
      events: [
        outgoing('StockUnavailable', {
          orderId: order.orderId,
          reason: 'OUT_OF_STOCK',
          unavailableSkus: decision.unavailableSkus,
        }),
      ],
    };
  }
  for (const line of decision.lines) {
    await moveToReserved(tx, line.sku, line.quantity);
  }
  await insertReservation(tx, order.orderId, 'RESERVED', decision.lines);
  return {
    outcome: 'StockReserved',
    events: [
      outgoing('StockReserved', {
        orderId: order.orderId,
        customerId: order.customerId,
        total: order.total,
        items: order.items,
      }),
    ],
  };
}

/** The order is confirmed: its reserved units are sold. */
export async function commitReservation(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof inventoryParticipant.commitStock>> {
  const items = await endReservation(tx, orderId, 'COMMITTED');
  if (!items) {
    return { outcome: 'StockCommitted', events: [] };
  }
  // Items were stored sorted by SKU, so rows are locked in the same order as when reserving.
  for (const line of items) {
    await removeReserved(tx, line.sku, line.quantity);
  }
  return { outcome: 'StockCommitted', events: [outgoing('StockCommitted', { orderId, items })] };
}

/** The order is cancelled: reserved units go back to available. */
export async function releaseReservation(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof inventoryParticipant.releaseStock>> {
  const items = await endReservation(tx, orderId, 'RELEASED');
  if (!items) {
    return { outcome: 'StockReleased', events: [] };
  }
  // Items were stored sorted by SKU, so rows are locked in the same order as when reserving.
  for (const line of items) {
    await moveToReserved(tx, line.sku, -line.quantity);
  }
  return { outcome: 'StockReleased', events: [outgoing('StockReleased', { orderId, items })] };
}
