import { serviceEnvironmentSchema } from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the order service (see README, "Configuration"). */
export const orderEnvironment = serviceEnvironmentSchema(3001);

export type OrderConfig = z.output<typeof orderEnvironment>;
