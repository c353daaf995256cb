export * from './generated/prisma/client.js';
export { createOrderDatabaseClient, type OrderDatabaseClient } from './lib/database-client.js';
export {
  catalogPrices,
  findCatalogPrice,
  findStoredAnswer,
  finishOrder,
  placeOrderOnce,
  setCatalogPrice,
  type CatalogPrice,
  type NewOrder,
  type OrderStatus,
  type StoredAnswer,
} from './lib/order.repository.js';
export {
  countOrdersByOutcome,
  findOrder,
  findUnfinishedTwoPhaseOrders,
  listOrders,
  type OrderFilter,
  type OrderView,
  type OrderViewPage,
} from './lib/order-views.js';
