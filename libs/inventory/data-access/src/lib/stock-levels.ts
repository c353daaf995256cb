import type { InventoryDatabaseClient } from './database-client.js';

export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

/** A SKU's stock as the REST API reads it; undefined if it was never stocked. */
export async function findStockLevel(database: InventoryDatabaseClient, sku: string): Promise<StockLevel | undefined> {
  const item = await database.stockItem.findUnique({ where: { sku } });
  return item ? { sku: item.sku, available: item.available, reserved: item.reserved } : undefined;
}

/**
 * Sets the units available for new orders; units already reserved stay reserved.
 * `stocked` moves by the same change, in the same statement, so it always
 * counts every unit ever put on sale.
 */
export async function setAvailableStock(
  database: InventoryDatabaseClient,
  sku: string,
  available: number,
): Promise<StockLevel> {
  const rows = await database.$queryRaw<StockLevel[]>`
    INSERT INTO stock_items (sku, available, stocked) VALUES (${sku}, ${available}::int, ${available}::int)
    ON CONFLICT (sku) DO UPDATE SET
      available = EXCLUDED.available,
      stocked = stock_items.stocked + (EXCLUDED.available - stock_items.available),
      updated_at = now()
    RETURNING sku, available, reserved`;
  const item = rows[0];
  if (!item) {
    throw new Error(`stock of ${sku} was not written`);
  }
  return { sku: item.sku, available: item.available, reserved: item.reserved };
}
