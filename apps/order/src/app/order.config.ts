import {
  millisecondsVariable,
  serviceCredentialVariables,
  serviceEnvironmentSchema,
  serviceUrlVariable,
  twoPhaseParticipantVariables,
} from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the order service (see README, "Configuration"). */
export const orderEnvironment = serviceEnvironmentSchema(3001).extend({
  ...twoPhaseParticipantVariables,
  ...serviceCredentialVariables,
  COORDINATOR_URL: serviceUrlVariable('http://127.0.0.1:3005'),
  /** How long POST /orders with mode 2pc waits for the coordinator's decision before answering 504. */
  TWO_PC_ANSWER_TIMEOUT_MS: millisecondsVariable(30_000),
});

export type OrderConfig = z.output<typeof orderEnvironment>;
