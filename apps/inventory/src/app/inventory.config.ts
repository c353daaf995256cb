import { serviceEnvironmentSchema, twoPhaseParticipantVariables } from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the inventory service (see README, "Configuration"). */
export const inventoryEnvironment = serviceEnvironmentSchema(3002).extend(twoPhaseParticipantVariables);

export type InventoryConfig = z.output<typeof inventoryEnvironment>;
