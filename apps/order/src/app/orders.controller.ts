import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { listOrdersQuerySchema, orderIdSchema } from '@dtx/contracts';
import {
  idempotencyKeySchema,
  OrderPlacementService,
  OrderQueriesService,
  placeOrderSchema,
  type OrderView,
  type PlaceOrderRequest,
} from '@dtx/order-feature';
import { ApiError, openApiSchema, ZodValidationPipe } from '@dtx/service-platform';
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
  @ApiOperation({ summary: 'Place an order; saga modes answer 202 at once, the order finishes asynchronously' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1-128 characters of [A-Za-z0-9_.:-]' })
  @ApiBody({ schema: openApiSchema(placeOrderSchema) })
  async place(
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Body(new ZodValidationPipe(placeOrderSchema)) request: PlaceOrderRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const key = idempotencyKeyPipe.transform(idempotencyKey);
    const outcome = await this.placement.place(key, request, traceparent);
    switch (outcome.kind) {
      case 'placed':
        response.status(outcome.order.status);
        return outcome.order.body;
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
  @ApiOperation({ summary: 'One order with its status and, once cancelled, the reason' })
  async get(
    @Param('orderId', new ZodValidationPipe(orderIdSchema, 'path', 'orderId')) orderId: string,
  ): Promise<OrderView> {
    const order = await this.queries.find(orderId);
    if (!order) {
      throw ApiError.notFound(`No order ${orderId}`);
    }
    return order;
  }

  @Get()
  @ApiOperation({ summary: 'Orders, newest first, filtered by customer and status' })
  list(
    @Query(new ZodValidationPipe(listOrdersQuerySchema, 'query')) query: z.output<typeof listOrdersQuerySchema>,
  ): Promise<OrderView[]> {
    return this.queries.list(query);
  }
}
