export { CatalogService } from './lib/catalog.service.js';
export { OrderFeatureModule, type OrderFeatureOptions } from './lib/order-feature.module.js';
export { OrderPlacementService, type PlacedOrder, type PlaceOrderOutcome } from './lib/order-placement.service.js';
export { OrderQueriesService } from './lib/order-queries.service.js';
export type { OrderStatus, OrderView } from '@dtx/order-data-access';
export {
  idempotencyKeySchema,
  orderTotal,
  placeOrderSchema,
  priceLines,
  requestFingerprint,
  type PlaceOrderRequest,
} from './lib/order-request.js';
