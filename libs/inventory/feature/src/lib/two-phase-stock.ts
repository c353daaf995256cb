import type { TwoPhaseVote, TwoPhaseWork } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { demandPerSku } from './demand-per-sku.js';
import { sellAllFromAvailable } from '@dtx/inventory-data-access';

/**
 * Inventory's part of a 2PC order: the units are sold outright. No RESERVED
 * stage is needed, because the prepared transaction itself holds them (and
 * the row locks) until the coordinator's decision commits or rolls it back.
 */
export async function prepareStockSale(tx: SqlTransaction, work: TwoPhaseWork): Promise<TwoPhaseVote> {
  const lines = demandPerSku(work.items);
  return (await sellAllFromAvailable(tx, work.orderId, lines))
    ? { vote: 'YES' }
    : { vote: 'NO', reason: 'OUT_OF_STOCK' };
}
