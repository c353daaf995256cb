export * from './generated/prisma/client.js';
export { createInventoryDatabaseClient, type InventoryDatabaseClient } from './lib/database-client.js';
export { findStockLevel, setAvailableStock, type StockLevel } from './lib/stock-levels.js';
export {
  endReservation,
  insertReservation,
  lockAvailableStock,
  moveToReserved,
  removeReserved,
  sellAllFromAvailable,
  type ReservationRow,
  type ReservationStatus,
} from './lib/stock.repository.js';
