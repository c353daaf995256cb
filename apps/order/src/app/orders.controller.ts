import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { customerOf, type Principal } from '@dtx/auth';
import {
  customerIdSchema,
  encodeOrderCursor,
  listOrdersQuerySchema,
  orderIdSchema,
  orderPageSchema,
  orderViewSchema,
  placeOrderAnswerSchema,
} from '@dtx/contracts';
import {
  idempotencyKeySchema,
  OrderPlacementService,
  OrderQueriesService,
  placeOrderSchema,
  type OrderView,
  type PlaceOrderRequest,
} from '@dtx/order-feature';
import { Access, ApiContract, ApiError, CurrentPrincipal, ZodValidationPipe } from '@dtx/service-platform';
import type { Response } from 'express';
import { z } from 'zod';

const idempotencyKeyPipe = new ZodValidationPipe(idempotencyKeySchema, 'header', 'Idempotency-Key');

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placement: OrderPlacementService,
    private readonly queries: OrderQueriesService,
  ) {}

  @Post()
  @Access('customer', 'admin')
  @ApiOperation({
    summary:
      "Place the caller's order, priced from the catalog; saga modes answer 202 at once, the order finishes asynchronously",
  })
  @ApiContract({
    access: 'token',
    headers: [
      {
        name: 'Idempotency-Key',
        schema: idempotencyKeySchema,
        required: true,
        description:
          "1-128 characters of [A-Za-z0-9_.:-], the customer's own; the same key and body answer the first answer again",
      },
    ],
    body: placeOrderSchema,
    answers: {
      202: { description: 'choreography or orchestration: the order is PENDING', schema: placeOrderAnswerSchema },
      201: { description: '2pc: the order is CONFIRMED', schema: placeOrderAnswerSchema },
      200: { description: '2pc: the order is CANCELLED, with the reason', schema: placeOrderAnswerSchema },
    },
    errors: {
      400: 'BAD_REQUEST: the body or the Idempotency-Key is not valid, or an admin gave no customerId',
      403: "FORBIDDEN: a customerId that is not the token's customer, or a token that is not a customer's or an admin's",
      409: 'PRICE_CHANGED: a unitPrice given is not the catalog price',
      422: 'UNKNOWN_SKU: a SKU has no price; IDEMPOTENCY_KEY_REUSED: the key was used with another body',
      504: 'TRANSACTION_UNDECIDED (2pc): no decision in time; repeat with the same key for the outcome',
    },
  })
  async place(
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Body(new ZodValidationPipe(placeOrderSchema)) request: PlaceOrderRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const customerId = orderingCustomer(caller, request.customerId);
    const key = idempotencyKeyPipe.transform(idempotencyKey);
    const outcome = await this.placement.place(customerId, key, request, traceparent);
    switch (outcome.kind) {
      case 'placed':
        response.status(outcome.order.status);
        return outcome.order.body;
      case 'unknown-skus':
        throw new ApiError(
          422,
          'UNKNOWN_SKU',
          `No price in the catalog for ${outcome.skus.join(', ')}`,
          request.items.flatMap(({ sku }, index) =>
            outcome.skus.includes(sku)
              ? [{ path: `items[${index}].sku`, message: `${sku} has no price in the catalog` }]
              : [],
          ),
        );
      case 'price-changed':
        throw new ApiError(
          409,
          'PRICE_CHANGED',
          'A unitPrice given is not the catalog price; leave it out, or send the current one',
          outcome.changed.map(({ index, sku, requested, current }) => ({
            path: `items[${index}].unitPrice`,
            message: `${sku} costs ${current}, not ${requested}`,
          })),
        );
      case 'total-too-large':
        throw ApiError.badRequest('Invalid request body: the order total is too large', [
          { path: 'items', message: 'total of quantity x unitPrice exceeds 9007199254740991' },
        ]);
      case 'idempotency-key-reused':
        throw new ApiError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key "${key}" was already used with a different request body`,
          [{ path: 'Idempotency-Key', message: 'already used with a different request body' }],
        );
      case 'undecided':
        throw new ApiError(
          504,
          'TRANSACTION_UNDECIDED',
          `No decision for order ${outcome.orderId} within ${outcome.detail}. ` +
            'The order stays PENDING until the coordinator decides; repeat the request with the same Idempotency-Key to get the outcome.',
        );
    }
  }

  @Get(':orderId')
  @Access('customer', 'admin')
  @ApiOperation({
    summary: 'One order with its status and, once cancelled, the reason; a customer sees only their own',
  })
  @ApiContract({
    access: 'token',
    params: { orderId: orderIdSchema },
    answers: { 200: { description: 'the order', schema: orderViewSchema } },
    errors: { 404: "NOT_FOUND: no such order, or another customer's" },
  })
  async get(
    @CurrentPrincipal() caller: Principal,
    @Param('orderId', new ZodValidationPipe(orderIdSchema, 'path', 'orderId')) orderId: string,
  ): Promise<OrderView> {
    const order = await this.queries.find(orderId);
    const customer = customerOf(caller);
    // Another customer's order is not found, not forbidden: its existence is not the caller's to know.
    if (!order || (customer !== undefined && order.customerId !== customer)) {
      throw ApiError.notFound(`No order ${orderId}`);
    }
    return order;
  }

  @Get()
  @Access('customer', 'admin')
  @ApiOperation({
    summary:
      "A page of orders, newest first, filtered by customer, status, mode and reason; follow nextCursor for the next page. A customer's are only their own",
  })
  @ApiContract({
    access: 'token',
    query: listOrdersQuerySchema,
    answers: { 200: { description: 'a page of orders; nextCursor is null on the last', schema: orderPageSchema } },
    errors: {
      400: 'BAD_REQUEST: a parameter is not valid, unknown, or a cursor is not a nextCursor of an earlier page',
      403: "FORBIDDEN: a customer's customerId that is not their own",
    },
  })
  async list(
    @CurrentPrincipal() caller: Principal,
    @Query(new ZodValidationPipe(listOrdersQuerySchema, 'query')) query: z.output<typeof listOrdersQuerySchema>,
  ): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const customer = customerOf(caller);
    if (customer !== undefined && query.customerId !== undefined && query.customerId !== customer) {
      throw new ApiError(403, 'FORBIDDEN', 'A customer lists only their own orders', [
        { path: 'customerId', message: "must be the token's customer, or left out" },
      ]);
    }
    const { cursor, ...filter } = query;
    const page = await this.queries.list({
      ...filter,
      ...(customer === undefined ? {} : { customerId: customer }),
      ...(cursor ? { after: cursor } : {}),
    });
    return { items: page.items, nextCursor: page.last ? encodeOrderCursor(page.last) : null };
  }
}

/** The customer an order is placed for: the token's; an admin names one in the body. */
function orderingCustomer(caller: Principal, named: string | undefined): string {
  const customer = customerOf(caller);
  if (customer === undefined) {
    if (named === undefined) {
      throw ApiError.badRequest('Invalid request body: customerId is required with an admin token', [
        { path: 'customerId', message: 'is required with an admin token' },
      ]);
    }
    return named;
  }
  if (!customerIdSchema.safeParse(customer).success) {
    // A subject the provider may issue but that is not a customer id here (too long, `|` in it, ...).
    throw new ApiError(403, 'FORBIDDEN', "The token's subject is not a customer id this system accepts", [
      { path: 'sub', message: 'must be 1-128 characters of A-Z a-z 0-9 _ . : @ -' },
    ]);
  }
  if (named !== undefined && named !== customer) {
    throw new ApiError(403, 'FORBIDDEN', 'An order is placed for the customer the token names', [
      { path: 'customerId', message: "must be the token's customer, or left out" },
    ]);
  }
  return customer;
}
