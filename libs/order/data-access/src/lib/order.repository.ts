import type { OrderLine, OrderMode } from '@dtx/contracts';
import type { SqlExecutor, SqlTransaction } from '@dtx/sql';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface NewOrder {
  orderId: string;
  customerId: string;
  mode: OrderMode;
  items: OrderLine[];
  total: number;
  traceId: string;
}

/**
 * Moves a PENDING order of `mode` to its final status. Returns false when the
 * order was already final (or of another mode): a decision is made once.
 */
export async function finishOrder(
  tx: SqlTransaction,
  orderId: string,
  mode: OrderMode,
  outcome: { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: string },
): Promise<boolean> {
  const updated = await tx.execute(
    `UPDATE orders SET status = $3, reason = $4, updated_at = now()
      WHERE id = $1::uuid AND mode = $2 AND status = 'PENDING'`,
    orderId,
    mode,
    outcome.status,
    outcome.status === 'CANCELLED' ? outcome.reason : null,
  );
  return updated === 1;
}

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: unknown;
}

/**
 * Claims the customer's idempotency key for this request, storing the answer it will get,
 * and writes the order (PENDING) with its lines, all in one statement.
 * Returns the answer stored by an earlier request with the same key instead,
 * if there was one, and writes nothing. A concurrent request with the same
 * key waits here until the first commits or rolls back.
 */
export async function placeOrderOnce(
  db: SqlExecutor,
  key: string,
  answer: StoredAnswer,
  order: NewOrder,
): Promise<StoredAnswer | undefined> {
  const linesWritten = await db.execute(
    `WITH claimed AS (
       INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id, response_status, response_body)
       VALUES ($6, $1, $2, $3::uuid, $4, $5::jsonb) ON CONFLICT (customer_id, key) DO NOTHING
       RETURNING order_id),
     placed AS (
       INSERT INTO orders (id, customer_id, status, mode, total_amount, trace_id)
       SELECT order_id, $6, 'PENDING', $7, $8, $9 FROM claimed
       RETURNING id)
     INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
     SELECT placed.id, line_no, sku, quantity, unit_price
       FROM placed, unnest($10::text[], $11::int[], $12::bigint[]) WITH ORDINALITY AS line(sku, quantity, unit_price, line_no)`,
    key,
    answer.requestHash,
    order.orderId,
    answer.status,
    JSON.stringify(answer.body),
    order.customerId,
    order.mode,
    order.total,
    order.traceId,
    order.items.map((item) => item.sku),
    order.items.map((item) => item.quantity),
    order.items.map((item) => item.unitPrice),
  );
  if (linesWritten > 0) {
    return undefined;
  }
  // A separate statement: the one above cannot see a row committed while it waited for it.
  const earlier = await findStoredAnswer(db, order.customerId, key);
  if (!earlier) {
    throw new Error(`idempotency key ${key} of ${order.customerId} conflicted but cannot be read`);
  }
  return earlier;
}

/** The answer stored for a customer's idempotency key, if the key was used. */
export async function findStoredAnswer(
  db: SqlExecutor,
  customerId: string,
  key: string,
): Promise<StoredAnswer | undefined> {
  const rows = await db.query<{ request_hash: string; response_status: number; response_body: unknown }>(
    'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE customer_id = $1 AND key = $2',
    customerId,
    key,
  );
  const row = rows[0];
  return row && { requestHash: row.request_hash, status: row.response_status, body: row.response_body };
}

/** The catalog's price of each of `skus` that has one. */
export async function catalogPrices(db: SqlExecutor, skus: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ sku: string; unit_price: string }>(
    'SELECT sku, unit_price FROM catalog_prices WHERE sku = ANY($1::text[])',
    [...new Set(skus)],
  );
  return new Map(rows.map((row) => [row.sku, Number(row.unit_price)]));
}

export interface CatalogPrice {
  sku: string;
  unitPrice: number;
  updatedAt: string;
}

/** Sets a SKU's price; orders placed from now on are priced with it. */
export async function setCatalogPrice(db: SqlExecutor, sku: string, unitPrice: number): Promise<CatalogPrice> {
  const rows = await db.query<{ sku: string; unit_price: string; updated_at: Date }>(
    `INSERT INTO catalog_prices (sku, unit_price) VALUES ($1, $2)
     ON CONFLICT (sku) DO UPDATE SET unit_price = EXCLUDED.unit_price, updated_at = now()
     RETURNING sku, unit_price, updated_at`,
    sku,
    unitPrice,
  );
  return priceView(rows[0]);
}

export async function findCatalogPrice(db: SqlExecutor, sku: string): Promise<CatalogPrice | undefined> {
  const rows = await db.query<{ sku: string; unit_price: string; updated_at: Date }>(
    'SELECT sku, unit_price, updated_at FROM catalog_prices WHERE sku = $1',
    sku,
  );
  return rows[0] && priceView(rows[0]);
}

function priceView(row: { sku: string; unit_price: string; updated_at: Date } | undefined): CatalogPrice {
  if (!row) {
    throw new Error('the catalog statement returned no row');
  }
  return { sku: row.sku, unitPrice: Number(row.unit_price), updatedAt: row.updated_at.toISOString() };
}
