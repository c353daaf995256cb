import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  beginTransactionSchema,
  listTransactionsQuerySchema,
  transactionIdSchema,
  unfinishedTransactionsSchema,
  type BeginTransaction,
  type TransactionView,
  type UnfinishedTransactions,
} from '@dtx/contracts';
import { TwoPhaseCoordinator } from '@dtx/coordinator-feature';
import { Access, ApiError, openApiSchema, ZodValidationPipe } from '@dtx/service-platform';
import type { z } from 'zod';

@ApiTags('transactions')
@ApiBearerAuth()
@Controller('transactions')
export class TransactionsController {
  constructor(private readonly coordinator: TwoPhaseCoordinator) {}

  @Post()
  @Access('order-service')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run a 2PC transaction for an order (called by the order service); answers once the outcome is decided. Repeating it with the same transactionId joins the first.',
  })
  @ApiBody({ schema: openApiSchema(beginTransactionSchema) })
  async run(
    @Body(new ZodValidationPipe(beginTransactionSchema)) request: BeginTransaction,
    @Headers('traceparent') traceparent: string | undefined,
    @Headers('tracestate') tracestate: string | undefined,
  ): Promise<TransactionView> {
    const outcome = await this.coordinator.run(request, { traceparent, tracestate });
    if (outcome.kind === 'undecided') {
      throw new ApiError(
        503,
        'UNDECIDED',
        `Transaction ${request.transactionId} is not decided yet; recovery will abort it, try again`,
      );
    }
    return outcome.transaction;
  }

  @Get()
  @Access('admin')
  @ApiOperation({
    summary:
      'Transactions in doubt, oldest first: not decided yet (PREPARING), or decided and not acknowledged by every participant (COMMITTING, ABORTING), with each participant’s vote and acknowledgement and the age (admins)',
  })
  @ApiQuery({ name: 'state', enum: ['unfinished'], required: true })
  @ApiQuery({ name: 'limit', type: Number, required: false, description: '1..200, default 50' })
  @ApiOkResponse({ schema: openApiSchema(unfinishedTransactionsSchema) })
  async list(
    @Query(new ZodValidationPipe(listTransactionsQuerySchema, 'query'))
    query: z.output<typeof listTransactionsQuerySchema>,
  ): Promise<UnfinishedTransactions> {
    return { items: await this.coordinator.unfinished(query.limit) };
  }

  @Get(':id')
  @Access('admin', 'service')
  @ApiOperation({
    summary:
      "A transaction's state, and each participant's vote and acknowledged outcome (admins; participants, to resolve one in doubt)",
  })
  async get(
    @Param('id', new ZodValidationPipe(transactionIdSchema, 'path', 'id')) id: string,
  ): Promise<TransactionView> {
    const view = await this.coordinator.view(id);
    if (!view) {
      throw ApiError.notFound(`No transaction ${id}`);
    }
    return view;
  }
}
