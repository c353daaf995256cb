import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  preparedTransactionViewSchema,
  transactionIdSchema,
  twoPhaseAbortSchema,
  twoPhaseAckSchema,
  twoPhaseVoteSchema,
  twoPhaseWorkSchema,
  type TwoPhaseAbort,
  type PreparedTransactionView,
  type TwoPhaseAck,
  type TwoPhaseParticipantName,
  type TwoPhaseVote,
  type TwoPhaseWork,
} from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import {
  Access,
  ApiContract,
  ApiError,
  MetricsRegistry,
  SQL_PHASE_TWO_POOL,
  SQL_POOL,
  ZodValidationPipe,
} from '@dtx/service-platform';
import { contextFromHeaders, withSpan, type Span, type TraceHeaders } from '@dtx/telemetry';
import type pg from 'pg';
import { PinoLogger } from 'nestjs-pino';
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import {
  PreparedTransactions,
  ProtocolViolation,
  TryAgainLater,
  type PendingPreparedTransaction,
} from './prepared-transactions.js';
import { CoordinatorLookup, type UnknownTransactionOptions } from './unknown-transactions.js';

export interface TwoPhaseParticipantOptions {
  participant: TwoPhaseParticipantName;
  /** How long prepare waits for a row lock before voting NO (LOCK_TIMEOUT). */
  lockTimeoutMs: number;
  /** This participant's part of an order; its writes are prepared on a YES vote. */
  prepare: (tx: SqlTransaction, work: TwoPhaseWork) => Promise<TwoPhaseVote>;
  /** Local writes that record an abort, if the participant keeps any. */
  afterAbort?: (tx: SqlTransaction, abort: TwoPhaseAbort) => Promise<void>;
  /** Prepared transactions the coordinator does not know are rolled back once this old. */
  unknownTransactions: UnknownTransactionOptions;
}

/** Why a prepared transaction the coordinator never heard of was rolled back (the abort's reason). */
export const UNKNOWN_TO_COORDINATOR = 'UNKNOWN_TO_COORDINATOR';

const OPTIONS = Symbol('TWO_PHASE_PARTICIPANT_OPTIONS');

/** How a phase-2 request ended: acknowledged, not possible yet (retry), or refused by the protocol. */
export type PhaseTwoOutcome =
  | { kind: 'acknowledged'; ack: TwoPhaseAck }
  | { kind: 'try-again-later'; message: string }
  | { kind: 'protocol-violation'; message: string };

@Injectable()
export class TwoPhaseParticipant implements OnModuleInit, OnModuleDestroy {
  private readonly transactions: PreparedTransactions;
  private readonly coordinator: CoordinatorLookup;
  private sweep: NodeJS.Timeout | undefined;
  private rolledBackUnknown: Counter | undefined;

  constructor(
    @Inject(OPTIONS) private readonly options: TwoPhaseParticipantOptions,
    @Inject(SQL_POOL) pool: pg.Pool,
    @Inject(SQL_PHASE_TWO_POOL) phaseTwoPool: pg.Pool,
    private readonly registry: MetricsRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.transactions = new PreparedTransactions(pool, options.participant, {
      lockTimeoutMs: options.lockTimeoutMs,
      phaseTwoPool,
    });
    this.coordinator = new CoordinatorLookup(options.unknownTransactions);
  }

  onModuleInit(): void {
    this.rolledBackUnknown = new Counter({
      name: 'dtx_2pc_unknown_transactions_rolled_back_total',
      help: 'Prepared transactions rolled back because the coordinator did not know them',
      registers: [this.registry],
    });
    const { timeoutMs } = this.options.unknownTransactions;
    this.sweep = setInterval(() => void this.rollBackUnknown(), Math.min(10_000, Math.max(100, timeoutMs / 2)));
    this.sweep.unref();
    const transactions = this.transactions;
    new Gauge({
      name: 'dtx_2pc_prepared_transactions',
      help: 'Prepared transactions of this participant waiting for the coordinator (in doubt, holding their locks)',
      registers: [this.registry],
      async collect() {
        const pending = await transactions.pending().catch(() => undefined);
        if (pending) {
          this.set(pending.length);
        }
      },
    });
  }

  prepare(transactionId: string, work: TwoPhaseWork, trace: Partial<TraceHeaders> = {}): Promise<TwoPhaseVote> {
    return this.traced('2pc vote', transactionId, work.orderId, trace, async (span) => {
      const vote = await this.transactions.prepare(transactionId, (tx) => this.options.prepare(tx, work));
      span.setAttribute('2pc.vote', vote.vote);
      if (vote.vote === 'NO') {
        span.setAttribute('order.cancel_reason', vote.reason);
      }
      return vote;
    });
  }

  commit(transactionId: string, trace: Partial<TraceHeaders> = {}): Promise<PhaseTwoOutcome> {
    return this.traced('2pc commit prepared', transactionId, undefined, trace, () =>
      phaseTwo(async () => {
        await this.transactions.commit(transactionId);
        return { outcome: 'COMMITTED' };
      }),
    );
  }

  abort(transactionId: string, abort: TwoPhaseAbort, trace: Partial<TraceHeaders> = {}): Promise<PhaseTwoOutcome> {
    return this.traced('2pc rollback prepared', transactionId, abort.orderId, trace, () =>
      phaseTwo(async () => {
        const afterAbort = this.options.afterAbort;
        await this.transactions.abort(transactionId, afterAbort && ((tx) => afterAbort(tx, abort)));
        return { outcome: 'ABORTED' };
      }),
    );
  }

  pending(): Promise<PendingPreparedTransaction[]> {
    return this.transactions.pending();
  }

  /** Its transactions in doubt with their locks and waiters (GET /2pc/prepared). */
  inDoubt(): Promise<PreparedTransactionView[]> {
    return this.transactions.inDoubt();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweep);
  }

  /**
   * Rolls back each prepared transaction older than the timeout that the
   * coordinator says it does not know: no decision will ever come for it, and
   * it holds its locks (and one of the cluster's max_prepared_transactions).
   * One the coordinator knows, or cannot be asked about, is left to it.
   */
  async rollBackUnknown(): Promise<number> {
    const cutoff = Date.now() - this.options.unknownTransactions.timeoutMs;
    let rolledBack = 0;
    try {
      for (const pending of await this.transactions.pending()) {
        if (
          pending.preparedAt.getTime() > cutoff ||
          (await this.coordinator.knows(pending.transactionId)) !== 'unknown'
        ) {
          continue;
        }
        const outcome = await this.abort(pending.transactionId, {
          orderId: pending.transactionId,
          reason: UNKNOWN_TO_COORDINATOR,
        });
        if (outcome.kind === 'acknowledged') {
          rolledBack++;
          this.rolledBackUnknown?.inc();
          this.logger.warn(
            { transactionId: pending.transactionId, preparedAt: pending.preparedAt },
            'rolled back a prepared transaction the coordinator does not know',
          );
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check prepared transactions with the coordinator; next time');
    }
    return rolledBack;
  }

  /** A span in the coordinator's trace: the protocol's requests get no HTTP span that would carry it (see @dtx/telemetry). */
  private traced<Result>(
    name: string,
    transactionId: string,
    orderId: string | undefined,
    trace: Partial<TraceHeaders>,
    work: (span: Span) => Promise<Result>,
  ): Promise<Result> {
    const attributes = {
      '2pc.transaction_id': transactionId,
      '2pc.participant': this.options.participant,
      ...(orderId ? { 'order.id': orderId } : {}),
    };
    return withSpan(name, { attributes, parent: contextFromHeaders(trace) }, work);
  }
}

async function phaseTwo(work: () => Promise<TwoPhaseAck>): Promise<PhaseTwoOutcome> {
  try {
    return { kind: 'acknowledged', ack: await work() };
  } catch (error) {
    if (error instanceof TryAgainLater) {
      return { kind: 'try-again-later', message: error.message };
    }
    if (error instanceof ProtocolViolation) {
      return { kind: 'protocol-violation', message: error.message };
    }
    throw error;
  }
}

/** The HTTP answer of a phase-2 request: the acknowledgement, 503 (retry later) or 409. */
function phaseTwoAnswer(outcome: PhaseTwoOutcome): TwoPhaseAck {
  switch (outcome.kind) {
    case 'acknowledged':
      return outcome.ack;
    case 'try-again-later':
      throw new ApiError(503, 'TRY_AGAIN_LATER', outcome.message);
    case 'protocol-violation':
      throw ApiError.conflict(outcome.message);
  }
}

const transactionIdPipe = new ZodValidationPipe(transactionIdSchema, 'path', 'transactionId');

/** A 2PC transaction is its order's: its id is the order id (the coordinator's, so a request naming another order is refused). */
function ensureTheOrders(transactionId: string, orderId: string): void {
  if (transactionId !== orderId) {
    throw new ApiError(422, 'TRANSACTION_MISMATCH', `Transaction ${transactionId} is not order ${orderId}'s`, [
      { path: 'orderId', message: 'must be the transaction id' },
    ]);
  }
}

const TRANSACTION_MISMATCH = "TRANSACTION_MISMATCH: the body's orderId is not the transaction id";
const PHASE_TWO_ERRORS = {
  409: 'CONFLICT: the decision contradicts what this participant already did',
  503: 'TRY_AGAIN_LATER: the prepared transaction is busy; retry',
};

/** The participant's end of the 2PC protocol; the coordinator is its only caller. */
@ApiTags('two-phase commit (participant)')
@Access('coordinator')
@Controller('2pc')
export class TwoPhaseParticipantController {
  constructor(private readonly participant: TwoPhaseParticipant) {}

  @Post('transactions/:transactionId/prepare')
  @HttpCode(200)
  @ApiOperation({
    summary: "Phase 1: do this participant's part and PREPARE TRANSACTION (vote YES), or roll back (vote NO)",
  })
  @ApiContract({
    access: 'token',
    identities: ['coordinator'],
    params: { transactionId: transactionIdSchema },
    body: twoPhaseWorkSchema,
    answers: { 200: { description: 'the vote', schema: twoPhaseVoteSchema } },
    errors: { 422: TRANSACTION_MISMATCH },
  })
  prepare(
    @Param('transactionId', transactionIdPipe) transactionId: string,
    @Body(new ZodValidationPipe(twoPhaseWorkSchema)) work: TwoPhaseWork,
    @Headers() trace: Partial<TraceHeaders>,
  ) {
    ensureTheOrders(transactionId, work.orderId);
    return this.participant.prepare(transactionId, work, trace);
  }

  @Post('transactions/:transactionId/commit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Phase 2: COMMIT PREPARED; repeating it is harmless' })
  @ApiContract({
    access: 'token',
    identities: ['coordinator'],
    params: { transactionId: transactionIdSchema },
    answers: { 200: { description: 'committed', schema: twoPhaseAckSchema } },
    errors: PHASE_TWO_ERRORS,
  })
  async commit(
    @Param('transactionId', transactionIdPipe) transactionId: string,
    @Headers() trace: Partial<TraceHeaders>,
  ) {
    return phaseTwoAnswer(await this.participant.commit(transactionId, trace));
  }

  @Post('transactions/:transactionId/abort')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Phase 2: ROLLBACK PREPARED (if prepared) and remember the abort; repeating it is harmless',
  })
  @ApiContract({
    access: 'token',
    identities: ['coordinator'],
    params: { transactionId: transactionIdSchema },
    body: twoPhaseAbortSchema,
    answers: { 200: { description: 'aborted', schema: twoPhaseAckSchema } },
    errors: { ...PHASE_TWO_ERRORS, 422: TRANSACTION_MISMATCH },
  })
  async abort(
    @Param('transactionId', transactionIdPipe) transactionId: string,
    @Body(new ZodValidationPipe(twoPhaseAbortSchema)) abort: TwoPhaseAbort,
    @Headers() trace: Partial<TraceHeaders>,
  ) {
    ensureTheOrders(transactionId, abort.orderId);
    return phaseTwoAnswer(await this.participant.abort(transactionId, abort, trace));
  }

  @Get('prepared')
  @Access('coordinator', 'admin')
  @ApiOperation({
    summary:
      "This participant's prepared transactions still waiting for a decision (in doubt), oldest first: each row of pg_prepared_xacts with its age, the locks it holds and how many sessions wait for it",
  })
  @ApiContract({
    access: 'token',
    identities: ['coordinator', 'bearer'],
    answers: { 200: { description: 'oldest first', schema: z.array(preparedTransactionViewSchema) } },
  })
  prepared(): Promise<PreparedTransactionView[]> {
    return this.participant.inDoubt();
  }
}

/** Adds the 2PC participant endpoints under /2pc to a service. */
@Module({})
export class TwoPhaseParticipantModule {
  static register(options: TwoPhaseParticipantOptions): DynamicModule {
    return {
      module: TwoPhaseParticipantModule,
      controllers: [TwoPhaseParticipantController],
      providers: [{ provide: OPTIONS, useValue: options }, TwoPhaseParticipant],
      exports: [TwoPhaseParticipant],
    };
  }
}
