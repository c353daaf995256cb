import { z } from 'zod';
import {
  cancellationReasonSchema,
  customerIdSchema,
  moneySchema,
  orderIdSchema,
  orderLineSchema,
  orderModeSchema,
  skuSchema,
} from './primitives.js';

/**
 * The public REST API of the services, as its clients see it (README,
 * "Placing orders"). Answers are described with `z.object`, so a field a
 * service adds later does not make an older client reject the answer.
 *
 *   order         POST /orders, GET /orders/:orderId, GET /orders?customerId=&status=&mode=&reason=&limit=&cursor=,
 *                 PUT|GET /catalog/:sku
 *   inventory     PUT|GET /inventory/:sku
 *   payment       PUT|GET /accounts/:customerId, GET /payments?orderId=
 *   orchestrator  GET /sagas/:sagaId, GET /sagas?orderId=
 *   coordinator   GET /transactions/:id (transactionViewSchema, in two-phase.ts)
 *   participants  PUT /admin/faults; coordinator PUT /admin/crash-point (ENABLE_FAULT_INJECTION=true only)
 */

export const orderStatusSchema = z.enum(['PENDING', 'CONFIRMED', 'CANCELLED']);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** A line of POST /orders. Its price comes from the catalog; a `unitPrice` given must be the catalog's, else 409 PRICE_CHANGED. */
export const requestedLineSchema = z.strictObject({
  sku: skuSchema,
  quantity: z.number().int().min(1).max(1000),
  unitPrice: moneySchema.optional(),
});
export type RequestedLine = z.infer<typeof requestedLineSchema>;

/**
 * The body of POST /orders; unknown fields are refused. The customer is the
 * token's: a `customerId`, if given, must be it (an admin's token must give
 * one). Without a mode the order is orchestrated.
 */
export const placeOrderRequestSchema = z.strictObject({
  customerId: customerIdSchema.optional(),
  items: z.array(requestedLineSchema).min(1, 'must have 1 to 50 items').max(50, 'must have 1 to 50 items'),
  mode: orderModeSchema.default('orchestration'),
});
/** What a client sends: the mode may be left out. */
export type PlaceOrderRequest = z.input<typeof placeOrderRequestSchema>;

/**
 * The answer of POST /orders: 202 PENDING for the saga modes; for 2PC, once
 * decided, 201 CONFIRMED or 200 CANCELLED with the reason.
 */
export const placeOrderAnswerSchema = z.object({
  orderId: orderIdSchema,
  status: orderStatusSchema,
  mode: orderModeSchema,
  traceId: z.string(),
  reason: cancellationReasonSchema.optional(),
});
export type PlaceOrderAnswer = z.infer<typeof placeOrderAnswerSchema>;

/** GET /orders/:orderId, and each entry of GET /orders. */
export const orderViewSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  items: z.array(orderLineSchema),
  total: moneySchema,
  status: orderStatusSchema,
  /** Only once CANCELLED. */
  reason: cancellationReasonSchema.optional(),
  mode: orderModeSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  traceId: z.string().nullable(),
});
export type OrderView = z.infer<typeof orderViewSchema>;

/** Where a page of GET /orders ends: the last order's creation time and id (newest first, the id breaking ties). */
export interface OrderCursor {
  createdAt: Date;
  orderId: string;
}

const orderCursorFields = z.strictObject({ createdAt: z.iso.datetime(), orderId: orderIdSchema });

/** The opaque `nextCursor` of a page that ends at `last`. */
export function encodeOrderCursor(last: { createdAt: string; orderId: string }): string {
  return Buffer.from(JSON.stringify({ createdAt: last.createdAt, orderId: last.orderId })).toString('base64url');
}

/** A `cursor` parameter: what `encodeOrderCursor` made, anything else is refused. */
export const orderCursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor of an earlier page')
  .transform((cursor, context): OrderCursor => {
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      fields = undefined;
    }
    const parsed = orderCursorFields.safeParse(fields);
    if (!parsed.success) {
      context.addIssue({ code: 'custom', message: 'must be a nextCursor of an earlier page' });
      return z.NEVER;
    }
    return { createdAt: new Date(parsed.data.createdAt), orderId: parsed.data.orderId };
  });

/** The query of GET /orders; unknown parameters are refused. */
export const listOrdersQuerySchema = z.strictObject({
  customerId: customerIdSchema.optional(),
  status: orderStatusSchema.optional(),
  mode: orderModeSchema.optional(),
  /** A cancelled order's reason, e.g. OUT_OF_STOCK. */
  reason: cancellationReasonSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: orderCursorSchema.optional(),
});
export type ListOrdersQuery = Omit<z.input<typeof listOrdersQuerySchema>, 'cursor'> & { cursor?: string };

/** GET /orders: a page of orders, newest first; `nextCursor` fetches the next one, null on the last. */
export const orderPageSchema = z.object({
  items: z.array(orderViewSchema),
  nextCursor: z.string().nullable(),
});
export type OrderPage = z.infer<typeof orderPageSchema>;

/** The body of PUT /catalog/:sku (admin). */
export const setPriceRequestSchema = z.strictObject({ unitPrice: moneySchema });
export type SetPriceRequest = z.infer<typeof setPriceRequestSchema>;

/** GET and PUT /catalog/:sku: the price orders are placed at. */
export const catalogPriceSchema = z.object({ sku: skuSchema, unitPrice: moneySchema, updatedAt: z.iso.datetime() });
export type CatalogPriceView = z.infer<typeof catalogPriceSchema>;

/** The body of PUT /inventory/:sku. */
export const setStockRequestSchema = z.strictObject({ available: z.number().int().min(0).max(2_147_483_647) });
export type SetStockRequest = z.infer<typeof setStockRequestSchema>;

/** GET and PUT /inventory/:sku: units available for new orders, and held by pending reservations. */
export const stockLevelSchema = z.object({
  sku: skuSchema,
  available: z.number().int().min(0),
  reserved: z.number().int().min(0),
});
export type StockLevel = z.infer<typeof stockLevelSchema>;

/** The body of PUT /accounts/:customerId. */
export const setBalanceRequestSchema = z.strictObject({ balance: moneySchema });
export type SetBalanceRequest = z.infer<typeof setBalanceRequestSchema>;

/** GET and PUT /accounts/:customerId: the balance, and the amount held by pending authorisations (minor units). */
export const accountSchema = z.object({
  customerId: customerIdSchema,
  balance: moneySchema,
  reserved: moneySchema,
});
export type Account = z.infer<typeof accountSchema>;

export const paymentStatusSchema = z.enum(['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'VOIDED', 'DECLINED']);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

/** Each entry of GET /payments?orderId=. */
export const paymentViewSchema = z.object({
  paymentId: z.uuid(),
  orderId: orderIdSchema,
  amount: moneySchema,
  status: paymentStatusSchema,
});
export type PaymentView = z.infer<typeof paymentViewSchema>;

/** NEEDS_ATTENTION: a step keeps failing and is still retried (needsAttention stays true once set). */
export const sagaStateSchema = z.enum(['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'NEEDS_ATTENTION']);
export type SagaState = z.infer<typeof sagaStateSchema>;

/** One line of a saga's history: an action or compensation of one step, over all its attempts. */
export const sagaStepViewSchema = z.object({
  name: z.string(),
  kind: z.enum(['action', 'compensation']),
  status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'WAITING', 'RETRY_SCHEDULED']),
  attempts: z.number().int().min(1),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  /** The parallel group the step ran in: the steps of a group were sent together. */
  group: z.string().optional(),
});
export type SagaStepView = z.infer<typeof sagaStepViewSchema>;

/** GET /sagas/:sagaId, and each entry of GET /sagas?orderId=. */
export const sagaViewSchema = z.object({
  sagaId: z.uuid(),
  orderId: orderIdSchema,
  type: z.string(),
  state: sagaStateSchema,
  needsAttention: z.boolean(),
  reason: cancellationReasonSchema.optional(),
  steps: z.array(sagaStepViewSchema),
});
export type SagaView = z.infer<typeof sagaViewSchema>;

/** The body of PUT /admin/faults, and its answer: message handlers slowed by delayMs, failing at failRate. */
export const faultSettingsSchema = z.strictObject({
  delayMs: z.number().int().min(0).max(600_000),
  failRate: z.number().min(0).max(1),
});
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

/** Where the coordinator's fault injection can stop a transaction. */
export const crashPointSchema = z.enum(['after-prepare', 'after-decision', 'mid-phase-two']);
export type CrashPoint = z.infer<typeof crashPointSchema>;

/** The body of PUT /admin/crash-point: kill the coordinator (SIGKILL) at `point`, or pause it there for pauseMs. */
export const crashPointRequestSchema = z.strictObject({
  point: crashPointSchema,
  action: z.enum(['kill', 'pause']).default('kill'),
  pauseMs: z.number().int().min(1).max(600_000).default(5_000),
});
export type CrashPointRequest = z.input<typeof crashPointRequestSchema>;

/** One field at fault: `path` is a dotted path into the body (`items[0].quantity`), a header, or a parameter. */
export const apiErrorDetailSchema = z.object({ path: z.string(), message: z.string() });
export type ApiErrorDetail = z.infer<typeof apiErrorDetailSchema>;

/** The body of every error answer: a stable code (BAD_REQUEST, NOT_FOUND, ...), a sentence, and the fields at fault. */
export const apiErrorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(apiErrorDetailSchema).optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
