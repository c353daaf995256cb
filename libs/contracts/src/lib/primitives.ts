import { z } from 'zod';

/** Money is an integer number of minor units (cents); never a float. */
export const moneySchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const skuSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . : -');

export const customerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'must be 1-128 characters of A-Z a-z 0-9 _ . : @ -');

/** A UUID, lower-cased, so that an id compares equal however a client wrote it. */
export const uuidSchema = z.uuid().overwrite((id) => id.toLowerCase());

export const orderIdSchema = uuidSchema;

export const orderLineSchema = z.strictObject({
  sku: skuSchema,
  quantity: z.number().int().min(1).max(1000),
  unitPrice: moneySchema,
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderModeSchema = z.enum(['choreography', 'orchestration', '2pc']);
export type OrderMode = z.infer<typeof orderModeSchema>;

/** Why an order was cancelled; free text, without NUL, which PostgreSQL cannot store in text. */
export const cancellationReasonSchema = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- NUL is exactly what is refused
  .regex(/^[^\x00]+$/, 'must not contain NUL characters');
