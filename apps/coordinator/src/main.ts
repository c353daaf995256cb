import 'reflect-metadata';
import { loadConfigOrExit } from '@dtx/config';
import { startService } from '@dtx/service-platform';
import { CoordinatorAppModule } from './app/coordinator-app.module.js';
import { coordinatorEnvironment } from './app/coordinator.config.js';

const config = loadConfigOrExit(coordinatorEnvironment, 'coordinator');
await startService({
  serviceName: 'coordinator',
  description: 'The two-phase-commit coordinator with a durable decision log.',
  rootModule: CoordinatorAppModule.register(config),
  config,
});
