import type { paymentParticipant } from '@dtx/contracts';
import type { CommandResult } from '@dtx/participant';
import { outgoing } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import { advancePayment, authorizeIfCovered, type PaymentRow } from '@dtx/payment-data-access';

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
  const payment = await authorizeIfCovered(tx, request);
  if (payment.status === 'DECLINED') {
    return {
      outcome: 'PaymentDeclined',
      reason: 'PAYMENT_DECLINED',
      events: [
        outgoing('PaymentDeclined', { orderId, paymentId: payment.id, customerId, amount, reason: 'PAYMENT_DECLINED' }),
      ],
    };
  }
  return {
    outcome: 'PaymentAuthorized',
    events: [outgoing('PaymentAuthorized', { orderId, paymentId: payment.id, customerId, amount })],
  };
}

/** The order is confirmed: the held amount leaves the account. */
export async function capturePayment(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof paymentParticipant.capturePayment>> {
  const payment = await advancePayment(tx, orderId, { AUTHORIZED: { to: 'CAPTURED', balance: -1, held: -1 } });
  if (!payment) {
    return { outcome: 'PaymentCaptured', events: [] };
  }
  return { outcome: 'PaymentCaptured', events: [outgoing('PaymentCaptured', factsOf(orderId, payment))] };
}

/** The order is cancelled: lift a hold (void), or give captured money back (refund). */
export async function compensatePayment(
  tx: SqlTransaction,
  orderId: string,
): Promise<CommandResult<typeof paymentParticipant.voidPayment>> {
  const payment = await advancePayment(tx, orderId, {
    AUTHORIZED: { to: 'VOIDED', balance: 0, held: -1 },
    CAPTURED: { to: 'REFUNDED', balance: 1, held: 0 },
  });
  if (!payment) {
    return { outcome: 'PaymentVoided', events: [] };
  }
  const event = payment.status === 'VOIDED' ? 'PaymentVoided' : 'PaymentRefunded';
  return { outcome: 'PaymentVoided', events: [outgoing(event, factsOf(orderId, payment))] };
}

function factsOf(orderId: string, payment: PaymentRow) {
  return { orderId, paymentId: payment.id, customerId: payment.customerId, amount: payment.amount };
}
