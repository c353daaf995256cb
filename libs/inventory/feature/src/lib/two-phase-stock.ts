import type { TwoPhaseVote, TwoPhaseWork } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { decideReservation, demandPerSku } from './reservation-decision.js';
import { insertReservation, lockAvailableStock, sellFromAvailable } from '@dtx/inventory-data-access';

/**
 * Inventory's part of a 2PC order: the units are sold outright. No RESERVED
 * stage is needed, because the prepared transaction itself holds them (and
 * the row locks) until the coordinator's decision commits or rolls it back.
 */
export async function prepareStockSale(tx: SqlTransaction, work: TwoPhaseWork): Promise<TwoPhaseVote> {
  const demand = demandPerSku(work.items);
  const decision = decideReservation(demand, await lockAvailableStock(tx, [...demand.keys()]));
  if (decision.kind === 'reject') {
    return { vote: 'NO', reason: 'OUT_OF_STOCK' };
  }
  for (const line of decision.lines) {
    await sellFromAvailable(tx, line.sku, line.quantity);
  }
  await insertReservation(tx, work.orderId, 'COMMITTED', decision.lines);
  return { vote: 'YES' };
}
