export { InventoryFeatureModule } from './lib/inventory-feature.module.js';
export { StockService } from './lib/stock.service.js';
export type { StockLevel } from '@dtx/inventory-data-access';
export { decideReservation, demandPerSku, type ReservationDecision } from './lib/reservation-decision.js';
export { prepareStockSale } from './lib/two-phase-stock.js';
