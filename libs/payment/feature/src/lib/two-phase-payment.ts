import type { TwoPhaseVote, TwoPhaseWork } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { adjustAccount, insertPayment, lockSpendableBalance } from '@dtx/payment-data-access';

/**
 * Payment's part of a 2PC order: the amount is captured outright, held by the
 * prepared transaction (with the account row locked) until the decision.
 * A decline votes NO and leaves nothing behind: under 2PC nothing of an
 * aborted order survives in any database.
 */
export async function prepareCharge(tx: SqlTransaction, work: TwoPhaseWork): Promise<TwoPhaseVote> {
  const spendable = await lockSpendableBalance(tx, work.customerId);
  if (spendable === undefined || spendable < work.total) {
    return { vote: 'NO', reason: 'PAYMENT_DECLINED' };
  }
  await adjustAccount(tx, work.customerId, { balance: -work.total, reserved: 0 });
  await insertPayment(tx, {
    orderId: work.orderId,
    customerId: work.customerId,
    amount: work.total,
    status: 'CAPTURED',
  });
  return { vote: 'YES' };
}
