export { InventoryFeatureModule } from './lib/inventory-feature.module.js';
export { StockService } from './lib/stock.service.js';
export type { StockLevel } from '@dtx/inventory-data-access';
export { prepareStockSale } from './lib/two-phase-stock.js';
