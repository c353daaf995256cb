import { serviceEnvironmentSchema } from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the orchestrator service (see README, "Configuration"). */
export const orchestratorEnvironment = serviceEnvironmentSchema(3004);

export type OrchestratorConfig = z.output<typeof orchestratorEnvironment>;
