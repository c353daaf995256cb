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

/** The query of GET /transactions (admin): the transactions not finished yet; unknown parameters are refused. */
export const listTransactionsQuerySchema = z.strictObject({
  state: z.literal('unfinished'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListTransactionsQuery = z.input<typeof listTransactionsQuerySchema>;

/** Each entry of GET /transactions?state=unfinished: a transaction in doubt, as the decision log has it. */
export const unfinishedTransactionSchema = transactionViewSchema.extend({
  state: z.enum(['PREPARING', 'COMMITTING', 'ABORTING']),
  participants: z.array(
    z.object({
      name: z.enum(twoPhaseParticipants),
      /** null until the decision is logged with the votes (so always null while PREPARING). */
      vote: z.enum(['YES', 'NO']).nullable(),
      voteReason: z.string().nullable(),
      /** The decision this participant acknowledged; null while it has not. */
      outcome: twoPhaseOutcomeSchema.nullable(),
      /** Phase-2 rounds sent to it so far, and why the last one was not acknowledged. */
      attempts: z.number().int(),
      lastError: z.string().nullable(),
    }),
  ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  /** Milliseconds since the transaction was logged, on the coordinator's clock. */
  ageMs: z.number().int(),
});
export type UnfinishedTransaction = z.infer<typeof unfinishedTransactionSchema>;

/** GET /transactions?state=unfinished: oldest first. */
export const unfinishedTransactionsSchema = z.object({ items: z.array(unfinishedTransactionSchema) });
export type UnfinishedTransactions = z.infer<typeof unfinishedTransactionsSchema>;

/** A lock a participant's prepared transaction holds, from pg_locks. */
export const preparedTransactionLockSchema = z.object({
  /** pg_locks.locktype: relation, transactionid, tuple, ... */
  lockType: z.string(),
  /** The table or index locked (schema-qualified when not on the search path); null for other lock types. */
  relation: z.string().nullable(),
  /** pg_locks.mode: RowExclusiveLock, ExclusiveLock, ... */
  mode: z.string(),
  granted: z.boolean(),
});
export type PreparedTransactionLock = z.infer<typeof preparedTransactionLockSchema>;

/**
 * Each entry of a participant's GET /2pc/prepared: one of its rows of
 * pg_prepared_xacts (a transaction in doubt), the locks it holds and how many
 * sessions wait for it. Row locks are not listed one by one: they are behind
 * its transaction id, on which a blocked session waits.
 */
export const preparedTransactionViewSchema = z.object({
  /** The prepared transaction's global identifier: dtx_<participant>_<transaction id>. */
  gid: z.string(),
  /** The 2PC transaction id, which is the order id. */
  transactionId: z.uuid(),
  orderId: orderIdSchema,
  /** PostgreSQL's transaction id (pg_prepared_xacts.transaction). */
  xid: z.string(),
  preparedAt: z.iso.datetime(),
  /** Milliseconds since it was prepared, on the database's clock. */
  ageMs: z.number().int(),
  /** The role that prepared it. */
  owner: z.string(),
  locks: z.array(preparedTransactionLockSchema),
  /** Sessions waiting for a lock it holds (a row lock shows as a wait for its transaction id). */
  waitingSessions: z.number().int(),
});
export type PreparedTransactionView = z.infer<typeof preparedTransactionViewSchema>;

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
