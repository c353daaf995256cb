import { z } from 'zod';
import { customerIdSchema, moneySchema, orderIdSchema, orderLineSchema, skuSchema } from './primitives.js';

const reservedLineSchema = z.strictObject({ sku: skuSchema, quantity: z.number().int().min(1).max(1000) });

/** Every line is reserved; carries what payment needs to authorise the total. */
export const StockReserved = z.strictObject({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  total: moneySchema,
  items: z.array(orderLineSchema).min(1).max(50),
});

/** At least one line could not be reserved, so nothing was. */
export const StockUnavailable = z.strictObject({
  orderId: orderIdSchema,
  reason: z.literal('OUT_OF_STOCK'),
  unavailableSkus: z.array(skuSchema).min(1),
});

/** A reservation was given back (compensation). */
export const StockReleased = z.strictObject({
  orderId: orderIdSchema,
  items: z.array(reservedLineSchema),
});

/** A reservation became a sale. */
export const StockCommitted = z.strictObject({
  orderId: orderIdSchema,
  items: z.array(reservedLineSchema),
});
