import { z } from 'zod';
import { cancellationReasonSchema, customerIdSchema, moneySchema, orderIdSchema, orderLineSchema, orderModeSchema } from './primitives.js';

export const OrderCreated = z.strictObject({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  mode: orderModeSchema,
  items: z.array(orderLineSchema).min(1).max(50),
  total: moneySchema,
});

export const OrderConfirmed = z.strictObject({
  orderId: orderIdSchema,
});

export const OrderCancelled = z.strictObject({
  orderId: orderIdSchema,
  reason: cancellationReasonSchema,
});
