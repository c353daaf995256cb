import { z } from 'zod';
import {
  cancellationReasonSchema,
  customerIdSchema,
  moneySchema,
  orderIdSchema,
  orderLineSchema,
  uuidSchema,
} from './primitives.js';

/**
 * The two-phase-commit protocol between the coordinator and its participants,
 * spoken over HTTP (see README, "Two-phase commit"):
 *
 *   POST /2pc/transactions/:transactionId/prepare  TwoPhaseWork        -> TwoPhaseVote
 *   POST /2pc/transactions/:transactionId/commit   {}                  -> TwoPhaseAck
 *   POST /2pc/transactions/:transactionId/abort    TwoPhaseAbort       -> TwoPhaseAck
 *
 * and between the order service and the coordinator:
 *
 *   POST /transactions  TwoPhaseWork & { transactionId }  -> TransactionView, once decided
 */

/** Every participant of a 2PC order, in the order the coordinator lists them. */
export const twoPhaseParticipants = ['order', 'inventory', 'payment'] as const;
export type TwoPhaseParticipantName = (typeof twoPhaseParticipants)[number];

/** What each participant needs to do its part of an order. */
const twoPhaseWorkFields = z.strictObject({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  items: z.array(orderLineSchema).min(1).max(50),
  total: moneySchema,
});

/** The total a participant charges or records is the items' own, never a number sent beside them. */
function totalIsTheItems(work: { items: Array<{ quantity: number; unitPrice: number }>; total: number }): boolean {
  return (
    BigInt(work.total) === work.items.reduce((sum, item) => sum + BigInt(item.quantity) * BigInt(item.unitPrice), 0n)
  );
}
const totalMismatch = { message: 'must be the sum of quantity x unitPrice over the items', path: ['total'] };

export const twoPhaseWorkSchema = twoPhaseWorkFields.refine(totalIsTheItems, totalMismatch);
export type TwoPhaseWork = z.infer<typeof twoPhaseWorkSchema>;

/** A 2PC transaction's id: its order's id, lower-cased before it is checked or stored. */
export const transactionIdSchema = uuidSchema;

export const beginTransactionSchema = twoPhaseWorkFields
  .extend({ transactionId: transactionIdSchema })
  .refine(totalIsTheItems, totalMismatch);
export type BeginTransaction = z.infer<typeof beginTransactionSchema>;

export const twoPhaseVoteSchema = z.discriminatedUnion('vote', [
  z.strictObject({ vote: z.literal('YES') }),
  z.strictObject({ vote: z.literal('NO'), reason: cancellationReasonSchema }),
]);
export type TwoPhaseVote = z.infer<typeof twoPhaseVoteSchema>;

export const twoPhaseAbortSchema = z.strictObject({ orderId: orderIdSchema, reason: cancellationReasonSchema });
export type TwoPhaseAbort = z.infer<typeof twoPhaseAbortSchema>;

export const twoPhaseOutcomeSchema = z.enum(['COMMITTED', 'ABORTED']);
export type TwoPhaseOutcome = z.infer<typeof twoPhaseOutcomeSchema>;

export const twoPhaseAckSchema = z.strictObject({ outcome: twoPhaseOutcomeSchema });
export type TwoPhaseAck = z.infer<typeof twoPhaseAckSchema>;

/**
 * PREPARING: votes are being collected, nothing decided (presumed abort if the coordinator dies).
 * COMMITTING / ABORTING: the decision is logged; phase 2 is not yet acknowledged by every participant.
 * COMMITTED / ABORTED: every participant acknowledged the decision.
 */
export const transactionStateSchema = z.enum(['PREPARING', 'COMMITTING', 'ABORTING', 'COMMITTED', 'ABORTED']);
export type TransactionState = z.infer<typeof transactionStateSchema>;

export const transactionViewSchema = z.object({
  id: z.uuid(),
  orderId: orderIdSchema,
  state: transactionStateSchema,
  reason: cancellationReasonSchema.optional(),
  participants: z.array(
    z.object({
      name: z.enum(twoPhaseParticipants),
      vote: z.enum(['YES', 'NO']).nullable(),
      outcome: twoPhaseOutcomeSchema.nullable(),
    }),
  ),
});
export type TransactionView = z.infer<typeof transactionViewSchema>;

/** The decision of a transaction in any state: undefined while votes are still being collected. */
export function decisionOf(state: TransactionState): TwoPhaseOutcome | undefined {
  if (state === 'COMMITTING' || state === 'COMMITTED') {
    return 'COMMITTED';
  }
  return state === 'ABORTING' || state === 'ABORTED' ? 'ABORTED' : undefined;
}

/**
 * The global identifier of a participant's prepared transaction. All databases
 * may share one PostgreSQL cluster, where these identifiers must be unique, so
 * the participant is part of it.
 */
export function preparedTransactionId(participant: TwoPhaseParticipantName, transactionId: string): string {
  return `dtx_${participant}_${transactionId}`;
}
