import { z } from 'zod';
import {
  cancellationReasonSchema,
  customerIdSchema,
  moneySchema,
  orderIdSchema,
  orderLineSchema,
  orderModeSchema,
} from './primitives.js';

/** A new order; in choreography mode inventory reacts by reserving its stock. */
export const OrderCreated = z.strictObject({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  mode: orderModeSchema,
  items: z.array(orderLineSchema).min(1).max(50),
  total: moneySchema,
});

/** The order is final and successful; participants finish their part (capture, commit). */
export const OrderConfirmed = z.strictObject({
  orderId: orderIdSchema,
  mode: orderModeSchema,
});

/** The order is final and failed; participants undo their part (release, void, refund). */
export const OrderCancelled = z.strictObject({
  orderId: orderIdSchema,
  mode: orderModeSchema,
  reason: cancellationReasonSchema,
});
