import type { paymentParticipant } from '@dtx/contracts';
import type { CommandResult } from '@dtx/participant';
import { outgoing } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import { adjustAccount, advancePayment, holdOnAccount, insertPayment } from '@dtx/payment-data-access';

export interface AuthorizationRequest {
  orderId: string;
  customerId: string;
  amount: number;
}

/**
 * Holds the amount on the customer's account, or declines when the spendable
 * balance (balance minus holds) cannot cover it. The participant guard makes
 * sure this runs once per order; the unique payment per order backs it up.
 */
export async function authorizePayment(
  tx: SqlTransaction,
  request: AuthorizationRequest,
): Promise<CommandResult<typeof paymentParticipant.authorizePayment>> {
  const { orderId, customerId, amount } = request;
  if (!(await holdOnAccount(tx, customerId, amount))) {
    const paymentId = await insertPayment(tx, { orderId, customerId, amount, status: 'DECLINED' });
    return {
      outcome: 'PaymentDeclined',
      reason: 'PAYMENT_DECLINED',
      events: [outgoing('PaymentDeclined', { orderId, paymentId, customerId, amount, reason: 'PAYMENT_DECLINED' })],
    };
  }
  const paymentId = await insertPayment(tx, { orderId, customerId, amount, status: 'AUTHORIZED' });
  return {
    outcome: 'PaymentAuthorized',
    events: [outgoing('PaymentAuthorized', { orderId, paymentId, customerId, amount })],
  };
}

/** The order is confirmed: the held amount leaves the account. */
export async function capturePayment(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof paymentParticipant.capturePayment>> {
  const payment = await advancePayment(tx, orderId, { AUTHORIZED: 'CAPTURED' });
  if (!payment) {
    return { outcome: 'PaymentCaptured', events: [] };
  }
  await adjustAccount(tx, payment.customerId, { balance: -payment.amount, reserved: -payment.amount });
  const facts = { orderId, paymentId: payment.id, customerId: payment.customerId, amount: payment.amount };
  return { outcome: 'PaymentCaptured', events: [outgoing('PaymentCaptured', facts)] };
}

/** The order is cancelled: lift a hold (void), or give captured money back (refund). */
export async function compensatePayment(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof paymentParticipant.voidPayment>> {
  const payment = await advancePayment(tx, orderId, { AUTHORIZED: 'VOIDED', CAPTURED: 'REFUNDED' });
  if (!payment) {
    return { outcome: 'PaymentVoided', events: [] };
  }
  const facts = { orderId, paymentId: payment.id, customerId: payment.customerId, amount: payment.amount };
  if (payment.status === 'VOIDED') {
    await adjustAccount(tx, payment.customerId, { balance: 0, reserved: -payment.amount });
    return { outcome: 'PaymentVoided', events: [outgoing('PaymentVoided', facts)] };
  }
  await adjustAccount(tx, payment.customerId, { balance: payment.amount, reserved: 0 });
  return { outcome: 'PaymentVoided', events: [outgoing('PaymentRefunded', facts)] };
}
