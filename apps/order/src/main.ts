import 'reflect-metadata';
import { loadConfigOrExit } from '@dtx/config';
import { startService } from '@dtx/service-platform';
import { OrderAppModule } from './app/order-app.module.js';
import { orderEnvironment } from './app/order.config.js';

const config = loadConfigOrExit(orderEnvironment, 'order');
await startService({
  serviceName: 'order',
  description: 'Takes orders over REST and tracks each one to its final state.',
  rootModule: OrderAppModule.register(config),
  config,
});
