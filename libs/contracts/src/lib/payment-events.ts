import { z } from 'zod';
import { customerIdSchema, moneySchema, orderIdSchema } from './primitives.js';

const paymentFacts = {
  orderId: orderIdSchema,
  paymentId: z.uuid(),
  customerId: customerIdSchema,
  amount: moneySchema,
};

/** The amount is held on the customer's account. */
export const PaymentAuthorized = z.strictObject(paymentFacts);

/** The balance could not cover the amount; nothing is held. */
export const PaymentDeclined = z.strictObject({ ...paymentFacts, reason: z.literal('PAYMENT_DECLINED') });

/** The held amount left the account. */
export const PaymentCaptured = z.strictObject(paymentFacts);

/** The hold was lifted without taking money (compensation before capture). */
export const PaymentVoided = z.strictObject(paymentFacts);

/** Captured money went back to the account (compensation after capture). */
export const PaymentRefunded = z.strictObject(paymentFacts);
