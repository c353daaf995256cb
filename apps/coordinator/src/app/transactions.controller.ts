import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  beginTransactionSchema,
  listTransactionsQuerySchema,
  transactionIdSchema,
  transactionViewSchema,
  unfinishedTransactionsSchema,
  type BeginTransaction,
  type TransactionView,
  type UnfinishedTransactions,
} from '@dtx/contracts';
import { TwoPhaseCoordinator } from '@dtx/coordinator-feature';
import { Access, ApiContract, ApiError, ZodValidationPipe } from '@dtx/service-platform';
import type { z } from 'zod';

@ApiTags('transactions')
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
  @ApiContract({
    access: 'token',
    identities: ['order-service'],
    body: beginTransactionSchema,
    answers: {
      200: { description: 'the decided transaction (COMMITTED or ABORTED ...)', schema: transactionViewSchema },
    },
    errors: {
      403: "FORBIDDEN: only the order service's identity may begin a transaction",
      503: 'UNDECIDED: not decided in time; recovery aborts it, try again',
    },
  })
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
  @ApiContract({
    access: 'token',
    query: listTransactionsQuerySchema,
    answers: {
      200: { description: 'the unfinished transactions, oldest first', schema: unfinishedTransactionsSchema },
    },
  })
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
  @ApiContract({
    access: 'token',
    identities: ['bearer', 'coordinator'],
    params: { id: transactionIdSchema },
    answers: { 200: { description: 'the transaction', schema: transactionViewSchema } },
    errors: { 404: 'NOT_FOUND: no such transaction' },
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
