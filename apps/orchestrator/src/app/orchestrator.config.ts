import { millisecondsVariable as milliseconds, serviceEnvironmentSchema, requireJwks } from '@dtx/config';
import { z } from 'zod';

/** Environment variables of the orchestrator service (see README, "Configuration"). */
export const orchestratorEnvironment = serviceEnvironmentSchema(3004)
  .extend({
    SAGA_STEP_TIMEOUT_MS: milliseconds(5_000),
    SAGA_STEP_MAX_ATTEMPTS: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(100).default(3),
    SAGA_STEP_PATIENCE_MS: milliseconds(120_000),
    SAGA_RETRY_INITIAL_DELAY_MS: milliseconds(200),
    SAGA_RETRY_MAX_DELAY_MS: milliseconds(10_000),
    SAGA_ATTENTION_AFTER_ATTEMPTS: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(1)
      .max(10_000)
      .default(10),
    SAGA_TIMER_POLL_INTERVAL_MS: milliseconds(500),
  })
  .superRefine(requireJwks);

export type OrchestratorConfig = z.output<typeof orchestratorEnvironment>;
