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

/** Sets the units available for new orders; units already reserved stay reserved. */
export async function setAvailableStock(
  database: InventoryDatabaseClient,
  sku: string,
  available: number,
): Promise<StockLevel> {
  const item = await database.stockItem.upsert({ where: { sku }, create: { sku, available }, update: { available } });
  return { sku: item.sku, available: item.available, reserved: item.reserved };
}
