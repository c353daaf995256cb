import 'reflect-metadata';
import { loadConfigOrExit } from '@dtx/config';
import { startService } from '@dtx/service-platform';
import { OrchestratorAppModule } from './app/orchestrator-app.module.js';
import { orchestratorEnvironment } from './app/orchestrator.config.js';

const config = loadConfigOrExit(orchestratorEnvironment, 'orchestrator');
await startService({
  serviceName: 'orchestrator',
  description: 'Runs saga definitions: sends commands, waits for replies, times out, retries and compensates.',
  rootModule: OrchestratorAppModule.register(config),
  config,
});
