import { serviceEnvironmentSchema, twoPhaseParticipantVariables } from '@dtx/config';
import type { z } from 'zod';

/** Environment variables of the payment service (see README, "Configuration"). */
export const paymentEnvironment = serviceEnvironmentSchema(3003).extend(twoPhaseParticipantVariables);

export type PaymentConfig = z.output<typeof paymentEnvironment>;
