import { z } from 'zod';
import { crashPointRequestSchema } from './rest-api.js';

/**
 * The answers every service gives besides its own API (README, "Services and
 * ports"): health reports and the
 * fault-injection routes of the admin port.
 */

/** One indicator of a health report (database, kafka, ...): `up` or `down`, with whatever it adds. */
const healthIndicatorSchema = z.looseObject({ status: z.string() });

/** GET /health/live and /health/ready: 200 with status ok, or 503 with status error and the indicators down. */
export const healthReportSchema = z.object({
  status: z.enum(['ok', 'error', 'shutting_down']),
  info: z.record(z.string(), healthIndicatorSchema).optional(),
  error: z.record(z.string(), healthIndicatorSchema).optional(),
  details: z.record(z.string(), healthIndicatorSchema),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

/** The answer of PUT /admin/crash-point: what is armed, defaults filled in. */
export const armedCrashPointSchema = z.object({ armed: crashPointRequestSchema });
export type ArmedCrashPoint = z.infer<typeof armedCrashPointSchema>;
