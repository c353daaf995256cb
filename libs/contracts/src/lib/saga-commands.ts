import { z } from 'zod';
import { customerIdSchema, moneySchema, orderIdSchema, orderLineSchema } from './primitives.js';

/**
 * Every command names the saga, the step and the attempt it belongs to, and
 * every reply echoes them, so the orchestrator can tell a late or duplicate
 * reply from the one it is waiting for (fencing).
 */
export const sagaStepFields = {
  sagaId: z.uuid(),
  step: z.string().min(1).max(64),
  attempt: z.number().int().min(1),
};

const orderCommand = { ...sagaStepFields, orderId: orderIdSchema };

export const ReserveStock = z.strictObject({
  ...orderCommand,
  customerId: customerIdSchema,
  total: moneySchema,
  items: z.array(orderLineSchema).min(1).max(50),
});
export const ReleaseStock = z.strictObject(orderCommand);
export const CommitStock = z.strictObject(orderCommand);

export const AuthorizePayment = z.strictObject({ ...orderCommand, customerId: customerIdSchema, amount: moneySchema });
export const VoidPayment = z.strictObject(orderCommand);
export const CapturePayment = z.strictObject(orderCommand);

export const ApproveOrder = z.strictObject(orderCommand);
export const RejectOrder = z.strictObject({ ...orderCommand, reason: z.string().min(1).max(200) });

/** A participant's answer to a command: which outcome, and why when it failed. */
export const SagaReply = z.strictObject({
  ...orderCommand,
  command: z.string().min(1),
  outcome: z.string().min(1),
  reason: z.string().min(1).max(200).optional(),
});
