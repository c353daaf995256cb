import type { PayloadOf } from '@dtx/contracts';
import { outgoing, type OutgoingMessage, type SqlTransaction } from '@dtx/outbox';
import {
  adjustAccount,
  findPaymentForUpdate,
  insertPayment,
  lockSpendableBalance,
  recordCancellation,
  setPaymentStatus,
  wasCancelled,
} from './payment.repository.js';

/**
 * Holds the order's total on the customer's account, or declines when the
 * spendable balance cannot cover it. At most one payment per order; an order
 * already cancelled is not authorised (the cancellation came first).
 */
export async function authorizePayment(tx: SqlTransaction, request: PayloadOf<'StockReserved'>): Promise<OutgoingMessage[]> {
  const { orderId, customerId, total: amount } = request;
  if ((await findPaymentForUpdate(tx, orderId)) || (await wasCancelled(tx, orderId))) {
    return [];
  }
  const spendable = await lockSpendableBalance(tx, customerId);
  if (spendable === undefined || spendable < amount) {
    const paymentId = await insertPayment(tx, { orderId, customerId, amount, status: 'DECLINED' });
    return [outgoing('PaymentDeclined', { orderId, paymentId, customerId, amount, reason: 'PAYMENT_DECLINED' })];
  }
  await adjustAccount(tx, customerId, { balance: 0, reserved: amount });
  const paymentId = await insertPayment(tx, { orderId, customerId, amount, status: 'AUTHORIZED' });
  return [outgoing('PaymentAuthorized', { orderId, paymentId, customerId, amount })];
}

/** The order is confirmed: the held amount leaves the account. */
export async function capturePayment(tx: SqlTransaction, orderId: string): Promise<OutgoingMessage[]> {
  const payment = await findPaymentForUpdate(tx, orderId);
  if (payment?.status !== 'AUTHORIZED') {
    return [];
  }
  await adjustAccount(tx, payment.customerId, { balance: -payment.amount, reserved: -payment.amount });
  await setPaymentStatus(tx, payment.id, 'CAPTURED');
  return [outgoing('PaymentCaptured', { orderId, paymentId: payment.id, customerId: payment.customerId, amount: payment.amount })];
}

/**
 * The order is cancelled: lift a hold (void) or give captured money back
 * (refund). With no payment yet, remember the cancellation so that a late
 * authorisation is refused.
 */
export async function compensatePayment(tx: SqlTransaction, orderId: string, reason: string): Promise<OutgoingMessage[]> {
  const payment = await findPaymentForUpdate(tx, orderId);
  await recordCancellation(tx, orderId, reason);
  if (payment?.status === 'AUTHORIZED') {
    await adjustAccount(tx, payment.customerId, { balance: 0, reserved: -payment.amount });
    await setPaymentStatus(tx, payment.id, 'VOIDED');
    return [outgoing('PaymentVoided', { orderId, paymentId: payment.id, customerId: payment.customerId, amount: payment.amount })];
  }
  if (payment?.status === 'CAPTURED') {
    await adjustAccount(tx, payment.customerId, { balance: payment.amount, reserved: 0 });
    await setPaymentStatus(tx, payment.id, 'REFUNDED');
    return [outgoing('PaymentRefunded', { orderId, paymentId: payment.id, customerId: payment.customerId, amount: payment.amount })];
  }
  return [];
}
