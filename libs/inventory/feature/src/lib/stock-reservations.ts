import type { inventoryParticipant, OrderLine } from '@dtx/contracts';
import type { CommandResult } from '@dtx/participant';
import { outgoing } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import { endReservation, reserveAllOrNone } from '@dtx/inventory-data-access';
import { demandPerSku } from './demand-per-sku.js';

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
  const lines = demandPerSku(order.items);
  const unavailableSkus = await reserveAllOrNone(tx, order.orderId, lines);
  if (unavailableSkus.length > 0) {
    return {
      outcome: 'StockUnavailable',
      reason: 'OUT_OF_STOCK',
      events: [outgoing('StockUnavailable', { orderId: order.orderId, reason: 'OUT_OF_STOCK', unavailableSkus })],
    };
  }
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
  return { outcome: 'StockCommitted', events: items ? [outgoing('StockCommitted', { orderId, items })] : [] };
}

/** The order is cancelled: reserved units go back to available. */
export async function releaseReservation(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof inventoryParticipant.releaseStock>> {
  const items = await endReservation(tx, orderId, 'RELEASED');
  return { outcome: 'StockReleased', events: items ? [outgoing('StockReleased', { orderId, items })] : [] };
}
