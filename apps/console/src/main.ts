import 'reflect-metadata';
import { loadConfigOrExit } from '@dtx/config';
import { startService } from '@dtx/service-platform';
import { ConsoleAppModule } from './app/console-app.module.js';
import { consoleEnvironment } from './app/console.config.js';

const config = loadConfigOrExit(consoleEnvironment, 'console');
await startService({
  serviceName: 'console',
  description: 'The operator console: web pages for admins (orders, one order, dead letters, 2PC in doubt).',
  rootModule: ConsoleAppModule.register(config),
  config,
  forms: true,
});
