import {
  serviceEnvironmentSchema,
  twoPhaseParticipantVariables,
  requireJwks,
  requireServiceCredentials,
} from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the inventory service (see README, "Configuration"). */
export const inventoryEnvironment = serviceEnvironmentSchema(3002)
  .extend(twoPhaseParticipantVariables)
  .superRefine(requireJwks)
  .superRefine(requireServiceCredentials);

export type InventoryConfig = z.output<typeof inventoryEnvironment>;
