import type { PayloadOf } from '@dtx/contracts';
import { outgoing, type OutgoingMessage, type SqlTransaction } from '@dtx/outbox';
import { decideReservation, demandPerSku } from './reservation-decision.js';
import {
  findReservationForUpdate,
  insertReservation,
  lockAvailableStock,
  moveToReserved,
  removeReserved,
  setReservationStatus,
} from './stock.repository.js';

/**
 * Reserves every line of an order, or none. An order inventory already
 * decided on (including one cancelled before it arrived) is left alone.
 */
export async function reserveStock(tx: SqlTransaction, order: PayloadOf<'OrderCreated'>): Promise<OutgoingMessage[]> {
  if (await findReservationForUpdate(tx, order.orderId)) {
    return [];
  }
  const demand = demandPerSku(order.items);
  const decision = decideReservation(demand, await lockAvailableStock(tx, [...demand.keys()]));
  if (decision.kind === 'reject') {
    await insertReservation(tx, order.orderId, 'REJECTED', []);
    return [outgoing('StockUnavailable', { orderId: order.orderId, reason: 'OUT_OF_STOCK', unavailableSkus: decision.unavailableSkus })];
  }
  for (const line of decision.lines) {
    await moveToReserved(tx, line.sku, line.quantity);
  }
  await insertReservation(tx, order.orderId, 'RESERVED', decision.lines);
  return [outgoing('StockReserved', { orderId: order.orderId, customerId: order.customerId, total: order.total, items: order.items })];
}

/** The order is confirmed: its reserved units are sold. */
export async function commitReservation(tx: SqlTransaction, orderId: string): Promise<OutgoingMessage[]> {
  const reservation = await findReservationForUpdate(tx, orderId);
  if (reservation?.status !== 'RESERVED') {
    return [];
  }
  for (const line of reservation.items) {
    await removeReserved(tx, line.sku, line.quantity);
  }
  await setReservationStatus(tx, orderId, 'COMMITTED');
  return [outgoing('StockCommitted', { orderId, items: reservation.items })];
}

/**
 * The order is cancelled: give reserved units back. If nothing was reserved
 * yet, remember the cancellation so that a late reservation is refused.
 */
export async function releaseReservation(tx: SqlTransaction, orderId: string): Promise<OutgoingMessage[]> {
  const reservation = await findReservationForUpdate(tx, orderId);
  if (!reservation) {
    await insertReservation(tx, orderId, 'CANCELLED', []);
    return [];
  }
  if (reservation.status !== 'RESERVED') {
    return [];
  }
  // Items were stored sorted by SKU, so rows are locked in the same order as when reserving.
  for (const line of reservation.items) {
    await moveToReserved(tx, line.sku, -line.quantity);
  }
  await setReservationStatus(tx, orderId, 'RELEASED');
  return [outgoing('StockReleased', { orderId, items: reservation.items })];
}
