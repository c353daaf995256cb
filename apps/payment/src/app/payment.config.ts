import {
  serviceEnvironmentSchema,
  twoPhaseParticipantVariables,
  requireJwks,
  requireServiceCredentials,
} from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the payment service (see README, "Configuration"). */
export const paymentEnvironment = serviceEnvironmentSchema(3003)
  .extend(twoPhaseParticipantVariables)
  .superRefine(requireJwks)
  .superRefine(requireServiceCredentials);

export type PaymentConfig = z.output<typeof paymentEnvironment>;
