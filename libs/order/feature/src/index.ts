export { OrderFeatureModule, type OrderFeatureOptions } from './lib/order-feature.module.js';
export { OrderPlacementService, type PlacedOrder } from './lib/order-placement.service.js';
export { OrderQueriesService, type OrderView } from './lib/order-queries.service.js';
export { idempotencyKeySchema, orderTotal, placeOrderSchema, requestFingerprint, type PlaceOrderRequest } from './lib/order-request.js';
export type { OrderStatus } from './lib/order.repository.js';
