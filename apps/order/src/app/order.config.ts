import {
  millisecondsVariable,
  serviceEnvironmentSchema,
  twoPhaseParticipantVariables,
  requireJwks,
  requireServiceCredentials,
} from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the order service (see README, "Configuration"). */
export const orderEnvironment = serviceEnvironmentSchema(3001)
  .extend({
    ...twoPhaseParticipantVariables,
    /** How long POST /orders with mode 2pc waits for the coordinator's decision before answering 504. */
    TWO_PC_ANSWER_TIMEOUT_MS: millisecondsVariable(30_000),
  })
  .superRefine(requireJwks)
  .superRefine(requireServiceCredentials);

export type OrderConfig = z.output<typeof orderEnvironment>;
