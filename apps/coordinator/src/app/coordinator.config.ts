import {
  millisecondsVariable,
  serviceCredentialVariables,
  serviceEnvironmentSchema,
  serviceUrlsVariable,
  requireJwks,
  requireServiceCredentials,
} from '@dtx/config';
import { z } from 'zod';

/** Environment variables of the coordinator service (see README, "Configuration"). */
export const coordinatorEnvironment = serviceEnvironmentSchema(3005)
  .extend({
    ...serviceCredentialVariables,
    /** Each participant's replicas, comma-separated; a replica that refuses the connection is skipped. */
    ORDER_SERVICE_URL: serviceUrlsVariable('http://127.0.0.1:3001'),
    INVENTORY_SERVICE_URL: serviceUrlsVariable('http://127.0.0.1:3002'),
    PAYMENT_SERVICE_URL: serviceUrlsVariable('http://127.0.0.1:3003'),
    /** How long to wait for a participant's vote; no vote in time is a NO (TIMEOUT). */
    PREPARE_TIMEOUT_MS: millisecondsVariable(5_000),
    /** How often a decision not yet acknowledged by every participant is sent again. */
    PHASE_TWO_RETRY_INTERVAL_MS: millisecondsVariable(1_000),
    /** Transactions in phase 1 at once; more wait their turn. */
    MAX_CONCURRENT_TRANSACTIONS: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(1)
      .max(10_000)
      .default(32),
  })
  .superRefine(requireJwks)
  .superRefine(requireServiceCredentials);

export type CoordinatorConfig = z.output<typeof coordinatorEnvironment>;
