export * from './generated/prisma/client.js';
export { createInventoryDatabaseClient, type InventoryDatabaseClient } from './lib/database-client.js';
export { findStockLevel, setAvailableStock, type StockLevel } from './lib/stock-levels.js';
export {
  endReservation,
  lockStockRowsFirst,
  reserveAllOrNone,
  sellAllFromAvailable,
  type ReservationRow,
  type ReservedLine,
  type ReservationStatus,
} from './lib/stock.repository.js';
