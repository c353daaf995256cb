import { createHash } from 'node:crypto';
import { placeOrderRequestSchema, type OrderLine, type RequestedLine } from '@dtx/contracts';
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

/** The lines priced from the catalog, or why they cannot be. */
export type PricedLines =
  | { kind: 'priced'; lines: OrderLine[] }
  | { kind: 'unknown-skus'; skus: string[] }
  | { kind: 'price-changed'; changed: Array<{ index: number; sku: string; requested: number; current: number }> };

/** Prices each line from the catalog; a price the client gave must be the catalog's. */
export function priceLines(requested: readonly RequestedLine[], catalog: ReadonlyMap<string, number>): PricedLines {
  const unknown = [...new Set(requested.filter((line) => !catalog.has(line.sku)).map((line) => line.sku))];
  if (unknown.length > 0) {
    return { kind: 'unknown-skus', skus: unknown };
  }
  const lines = requested.map(({ sku, quantity }) => ({ sku, quantity, unitPrice: catalog.get(sku) ?? 0 }));
  const changed = requested.flatMap((line, index) => {
    const current = lines[index]?.unitPrice ?? 0;
    return line.unitPrice !== undefined && line.unitPrice !== current
      ? [{ index, sku: line.sku, requested: line.unitPrice, current }]
      : [];
  });
  return changed.length > 0 ? { kind: 'price-changed', changed } : { kind: 'priced', lines };
}

/**
 * Identifies a request independently of key order and whitespace, to
 * recognise a replay: its customer, mode and lines as sent (a price left out
 * is not the same request as a price given).
 */
export function requestFingerprint(customerId: string, request: PlaceOrderRequest): string {
  const canonical = JSON.stringify({
    customerId,
    mode: request.mode,
    items: request.items.map((item) => [item.sku, item.quantity, item.unitPrice ?? null]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
