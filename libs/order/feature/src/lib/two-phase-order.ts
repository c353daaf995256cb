import type { TwoPhaseAbort, TwoPhaseVote, TwoPhaseWork } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { finishOrder } from '@dtx/order-data-access';

/**
 * The order's part of a 2PC order: it becomes CONFIRMED inside the prepared
 * transaction, so the confirmation is visible exactly when stock and payment
 * are committed too. Anything but a PENDING 2PC order votes NO.
 */
export async function prepareOrderConfirmation(tx: SqlTransaction, work: TwoPhaseWork): Promise<TwoPhaseVote> {
  const confirmed = await finishOrder(tx, work.orderId, '2pc', { status: 'CONFIRMED' });
  return confirmed ? { vote: 'YES' } : { vote: 'NO', reason: 'ORDER_NOT_PENDING' };
}

/** On abort the order stays, CANCELLED with the coordinator's reason. */
export async function recordOrderAbort(tx: SqlTransaction, abort: TwoPhaseAbort): Promise<void> {
  await finishOrder(tx, abort.orderId, '2pc', { status: 'CANCELLED', reason: abort.reason });
}
