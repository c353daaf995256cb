import type { SqlTransaction } from '@dtx/sql';

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED' | 'CANCELLED';

export interface ReservationRow {
  status: ReservationStatus;
  items: { sku: string; quantity: number }[];
}

/**
 * Ends the order's reservation with `status` if it is still RESERVED, in one
 * statement; returns its lines, or undefined when there was nothing to end.
 */
export async function endReservation(
  tx: SqlTransaction,
  orderId: string,
  status: 'COMMITTED' | 'RELEASED',
): Promise<ReservationRow['items'] | undefined> {
  const rows = await tx.query<Pick<ReservationRow, 'items'>>(
    `UPDATE reservations SET status = $2, updated_at = now()
      WHERE order_id = $1::uuid AND status = 'RESERVED'
      RETURNING items`,
    orderId,
    status,
  );
  return rows[0]?.items;
}

export async function insertReservation(
  tx: SqlTransaction,
  orderId: string,
  status: ReservationStatus,
  items: ReservationRow['items'],
): Promise<void> {
  await tx.execute(
    'INSERT INTO reservations (order_id, status, items) VALUES ($1::uuid, $2, $3::jsonb)',
    orderId,
    status,
    JSON.stringify(items),
  );
}

/** Locks the stock rows of `skus` (in the given, sorted order) and returns what is available. */
export async function lockAvailableStock(tx: SqlTransaction, skus: string[]): Promise<Map<string, number>> {
  const rows = await tx.query<{ sku: string; available: number }>(
    'SELECT sku, available FROM stock_items WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
    skus,
  );
  return new Map(rows.map((row) => [row.sku, row.available]));
}

/** Moves quantities between available and reserved; positive reserves, negative releases. */
export async function moveToReserved(tx: SqlTransaction, sku: string, quantity: number): Promise<void> {
  await tx.execute(
    `UPDATE stock_items SET available = available - $2, reserved = reserved + $2, updated_at = now() WHERE sku = $1`,
    sku,
    quantity,
  );
}

/** A reservation becomes a sale: the reserved units leave the warehouse. */
export async function removeReserved(tx: SqlTransaction, sku: string, quantity: number): Promise<void> {
  await tx.execute(`UPDATE stock_items SET reserved = reserved - $2, updated_at = now() WHERE sku = $1`, sku, quantity);
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
