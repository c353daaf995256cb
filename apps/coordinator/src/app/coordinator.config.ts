import { serviceEnvironmentSchema } from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the coordinator service (see README, "Configuration"). */
export const coordinatorEnvironment = serviceEnvironmentSchema(3005);

export type CoordinatorConfig = z.output<typeof coordinatorEnvironment>;
