import { createHash } from 'node:crypto';
import { placeOrderRequestSchema, type OrderLine } from '@dtx/contracts';
import { z } from 'zod';

/** Header Idempotency-Key: 1 to 128 characters of [A-Za-z0-9_.:-]. */
export const idempotencyKeySchema = z
  .string({ error: 'is required' })
  .min(1, 'must be 1 to 128 characters')
  .max(128, 'must be 1 to 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may only contain A-Z a-z 0-9 _ . : -');

/** The body of POST /orders (declared in contracts, where the client reads it too); unknown fields are rejected. */
export const placeOrderSchema = placeOrderRequestSchema;

export type PlaceOrderRequest = z.output<typeof placeOrderRequestSchema>;

/** The order's total in minor units, or undefined when it would not be exact in a JSON number. */
export function orderTotal(items: readonly OrderLine[]): number | undefined {
  const total = items.reduce((sum, item) => sum + BigInt(item.quantity) * BigInt(item.unitPrice), 0n);
  return total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : undefined;
}

/** Identifies a request body independently of key order and whitespace, to recognise a replay. */
export function requestFingerprint(request: PlaceOrderRequest): string {
  const canonical = JSON.stringify({
    customerId: request.customerId,
    mode: request.mode,
    items: request.items.map((item) => [item.sku, item.quantity, item.unitPrice]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
