export { InventoryFeatureModule } from './lib/inventory-feature.module.js';
export { StockService, type StockLevel } from './lib/stock.service.js';
export { decideReservation, demandPerSku, type ReservationDecision } from './lib/reservation-decision.js';
export { prepareStockSale } from './lib/two-phase-stock.js';
