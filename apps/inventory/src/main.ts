import 'reflect-metadata';
import { loadConfigOrExit } from '@dtx/config';
import { startService } from '@dtx/service-platform';
import { InventoryAppModule } from './app/inventory-app.module.js';
import { inventoryEnvironment } from './app/inventory.config.js';

const config = loadConfigOrExit(inventoryEnvironment, 'inventory');
await startService({
  serviceName: 'inventory',
  description: 'Owns stock per SKU and its reservations.',
  rootModule: InventoryAppModule.register(config),
  config,
});
