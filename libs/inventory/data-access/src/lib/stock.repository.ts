import { executeOrDefer, type SqlTransaction } from '@dtx/sql';

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED' | 'CANCELLED';

export interface ReservationRow {
  status: ReservationStatus;
  items: { sku: string; quantity: number }[];
}

/** A line of a reservation: at most one per SKU. */
export type ReservedLine = ReservationRow['items'][number];

/**
 * Locks, in SKU order, the stock rows of `skus` and of the lines of the
 * orders' reservations still RESERVED (the rows their commit or release
 * moves). A batch that takes these first takes no stock lock later that
 * another batch could hold while waiting for one of its own. Deferred where
 * the transaction can: no answer is needed.
 */
export async function lockStockRowsFirst(
  tx: SqlTransaction,
  skus: readonly string[],
  orderIds: readonly string[],
): Promise<void> {
  await executeOrDefer(
    tx,
    `SELECT FROM stock_items
      WHERE sku = ANY($1::text[])
         OR sku IN (SELECT item->>'sku'
                      FROM reservations, jsonb_array_elements(reservations.items) AS item
                     WHERE order_id = ANY($2::uuid[]) AND status = 'RESERVED')
      ORDER BY sku FOR UPDATE`,
    [...skus],
    [...orderIds],
  );
}

/**
 * Reserves every line of an order or none, in one statement: locks the
 * lines' stock rows (in SKU order, so two orders never deadlock), moves each
 * line's units from available to reserved when every SKU is known and
 * covered, and records the reservation: RESERVED with its lines, or REJECTED.
 * Returns the SKUs that were unknown or short: none when it reserved.
 */
export async function reserveAllOrNone(
  tx: SqlTransaction,
  orderId: string,
  lines: readonly ReservedLine[],
): Promise<string[]> {
  const rows = await tx.query<{ sku: string }>(
    `WITH line AS (
       SELECT * FROM unnest($2::text[], $3::int[]) AS line(sku, quantity)),
     locked AS (
       SELECT sku, available FROM stock_items WHERE sku = ANY($2::text[]) ORDER BY sku FOR UPDATE),
     unavailable AS (
       SELECT line.sku FROM line LEFT JOIN locked USING (sku) WHERE coalesce(locked.available, 0) < line.quantity),
     reserved AS (
       UPDATE stock_items s
          SET available = s.available - line.quantity, reserved = s.reserved + line.quantity, updated_at = now()
         FROM locked JOIN line USING (sku)
        WHERE s.sku = locked.sku AND NOT EXISTS (SELECT FROM unavailable)),
     recorded AS (
       INSERT INTO reservations (order_id, status, items)
       SELECT $1::uuid,
              CASE WHEN EXISTS (SELECT FROM unavailable) THEN 'REJECTED' ELSE 'RESERVED' END,
              CASE WHEN EXISTS (SELECT FROM unavailable) THEN '[]'::jsonb ELSE $4::jsonb END)
     SELECT sku FROM unavailable ORDER BY sku`,
    orderId,
    lines.map((line) => line.sku),
    lines.map((line) => line.quantity),
    JSON.stringify(lines),
  );
  return rows.map((row) => row.sku);
}

/**
 * Ends the order's reservation if it is still RESERVED, in one statement:
 * COMMITTED takes its units out of the warehouse (they are sold), RELEASED
 * puts them back on sale. Returns its lines, or undefined when there was
 * nothing to end.
 */
export async function endReservation(
  tx: SqlTransaction,
  orderId: string,
  status: 'COMMITTED' | 'RELEASED',
): Promise<ReservedLine[] | undefined> {
  const rows = await tx.query<Pick<ReservationRow, 'items'>>(
    `WITH ended AS (
       UPDATE reservations SET status = $2, updated_at = now()
        WHERE order_id = $1::uuid AND status = 'RESERVED'
       RETURNING items),
     line AS (
       SELECT item->>'sku' AS sku, (item->>'quantity')::int AS quantity
         FROM ended, jsonb_array_elements(ended.items) AS item),
     locked AS (
       SELECT sku FROM stock_items WHERE sku IN (SELECT sku FROM line) ORDER BY sku FOR UPDATE),
     moved AS (
       UPDATE stock_items s
          SET reserved = s.reserved - line.quantity,
              available = s.available + CASE WHEN $2 = 'RELEASED' THEN line.quantity ELSE 0 END,
              updated_at = now()
         FROM locked JOIN line USING (sku)
        WHERE s.sku = locked.sku)
     SELECT items FROM ended`,
    orderId,
    status,
  );
  return rows[0]?.items;
}

/**
 * A 2PC sale in one statement, all or nothing: locks the stock rows of the
 * lines (one per SKU; locked in SKU order, so two orders never deadlock), takes every line's
 * units from available stock and records the reservation as COMMITTED, or,
 * when any SKU is unknown or short, records nothing and returns false. The
 * units taken from the lines that were covered stay taken: the caller votes
 * NO and rolls the transaction back.
 */
export async function sellAllFromAvailable(
  tx: SqlTransaction,
  orderId: string,
  lines: ReservationRow['items'],
): Promise<boolean> {
  const recorded = await tx.execute(
    `WITH locked AS (
       SELECT sku, available FROM stock_items WHERE sku = ANY($2::text[]) ORDER BY sku FOR UPDATE),
     sold AS (
       UPDATE stock_items s SET available = s.available - line.quantity, updated_at = now()
         FROM locked JOIN unnest($2::text[], $3::int[]) AS line(sku, quantity) ON line.sku = locked.sku
        WHERE s.sku = locked.sku AND locked.available >= line.quantity
       RETURNING s.sku)
     INSERT INTO reservations (order_id, status, items)
     SELECT $1::uuid, 'COMMITTED', $4::jsonb WHERE (SELECT count(*) FROM sold) = cardinality($2::text[])`,
    orderId,
    lines.map((line) => line.sku),
    lines.map((line) => line.quantity),
    JSON.stringify(lines),
  );
  return recorded === 1;
}
