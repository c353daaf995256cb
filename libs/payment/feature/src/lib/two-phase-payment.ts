import type { TwoPhaseVote, TwoPhaseWork } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { captureIfCovered } from '@dtx/payment-data-access';

/**
 * Payment's part of a 2PC order: the amount is captured outright, held by the
 * prepared transaction (with the account row locked) until the decision.
 * A decline votes NO and leaves nothing behind: under 2PC nothing of an
 * aborted order survives in any database.
 */
export async function prepareCharge(tx: SqlTransaction, work: TwoPhaseWork): Promise<TwoPhaseVote> {
  const captured = await captureIfCovered(tx, {
    orderId: work.orderId,
    customerId: work.customerId,
    amount: work.total,
  });
  return captured ? { vote: 'YES' } : { vote: 'NO', reason: 'PAYMENT_DECLINED' };
}
