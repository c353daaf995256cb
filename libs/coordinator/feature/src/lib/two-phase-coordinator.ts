import { Inject, Injectable } from '@nestjs/common';
import {
  decisionOf,
  twoPhaseParticipants,
  type BeginTransaction,
  type TransactionView,
  type TwoPhaseOutcome,
  type TwoPhaseParticipantName,
  type UnfinishedTransaction,
} from '@dtx/contracts';
import {
  activeTraceHeaders,
  contextFromHeaders,
  markFailed,
  SpanKind,
  traceHeadersOf,
  withSpan,
  type Span,
  type TraceHeaders,
} from '@dtx/telemetry';
import { sleep } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import pLimit, { type Limit } from 'p-limit';
import { CoordinatorMetrics } from './coordinator-metrics.js';
import { CrashPoints } from './crash-points.js';
import { ParticipantClient } from './participant-client.js';
import {
  TransactionLog,
  transactionView,
  type CollectedVote,
  type DeliveryReport,
  type LoggedTransaction,
} from '@dtx/coordinator-data-access';

/** The reason of an abort decided by recovery: no decision was logged, so none was ever announced. */
export const PRESUMED_ABORT = 'PRESUMED_ABORT';

/** What POST /transactions comes to: the decided transaction, or not decided yet (recovery will decide it). */
export type RunOutcome = { kind: 'decided'; transaction: TransactionView } | { kind: 'undecided' };

/** How long POST /transactions waits for a decision it is not making itself (recovery makes it). */
const DECISION_WAIT_MS = 15_000;

export const COORDINATOR_OPTIONS = Symbol('COORDINATOR_OPTIONS');

export interface CoordinatorOptions {
  /**
   * Transactions in phase 1 at once; the others wait their turn before they
   * are logged. Without a bound, a burst (every order that waited while the
   * coordinator was down) would starve the participants' connection pools
   * and turn into aborts.
   */
  maxConcurrentTransactions: number;
}

/**
 * The two-phase-commit coordinator.
 *
 *   1. log the transaction as PREPARING (so recovery knows it exists);
 *   2. ask every participant to prepare; all YES -> commit, anything else -> abort;
 *   3. log the votes and the decision: from here on it is final, whatever crashes;
 *   4. send it to every participant at once, log who acknowledged, and send it
 *      again later to those who did not, until each has (phase 2).
 *
 * A transaction still PREPARING that no call here is running was abandoned
 * by a crash: recovery aborts it (presumed abort), which is safe because no
 * participant can have been told to commit.
 */
@Injectable()
export class TwoPhaseCoordinator {
  /** Transactions this process is taking through phases 1 and 2; recovery leaves them alone. */
  private readonly running = new Map<string, Promise<TransactionView | undefined>>();
  /** Transactions whose decision is being sent right now, so that retries never overlap. */
  private readonly delivering = new Set<string>();
  private readonly admission: Limit;

  constructor(
    @Inject(COORDINATOR_OPTIONS) options: CoordinatorOptions,
    private readonly log: TransactionLog,
    @Inject(ParticipantClient) private readonly participants: ParticipantClient,
    private readonly crashPoints: CrashPoints,
    private readonly metrics: CoordinatorMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.admission = pLimit(options.maxConcurrentTransactions);
  }

  /**
   * Runs a new transaction, or joins one logged before (a retried request);
   * answers once the outcome is decided and phase 2 was tried once.
   */
  async run(request: BeginTransaction, caller: Partial<TraceHeaders> = {}): Promise<RunOutcome> {
    const id = request.transactionId;
    const joined = this.running.get(id);
    if (joined) {
      await joined;
    } else {
      const execution = this.admission(() => this.execute(request, caller));
      this.running.set(id, execution);
      try {
        const transaction = await execution;
        if (transaction) {
          return { kind: 'decided', transaction };
        }
      } finally {
        this.running.delete(id);
      }
    }
    return this.awaitDecision(id);
  }

  isRunning(transactionId: string): boolean {
    return this.running.has(transactionId) || this.delivering.has(transactionId);
  }

  async view(transactionId: string): Promise<TransactionView | undefined> {
    const transaction = await this.log.find(transactionId);
    return transaction && transactionView(transaction);
  }

  /** Transactions in doubt, oldest first (GET /transactions?state=unfinished). */
  unfinished(limit: number): Promise<UnfinishedTransaction[]> {
    return this.log.listUnfinished(limit);
  }

  /** Recovery of a transaction abandoned before its decision: abort it, and tell everyone. */
  async presumeAbort(transactionId: string): Promise<void> {
    const transaction = await this.log.find(transactionId);
    if (transaction?.state !== 'PREPARING') {
      // Decided since recovery listed it, by the request that ran it: nothing was abandoned.
      return;
    }
    await this.inTraceOf(transaction, '2pc recovery', async (span) => {
      span.setAttribute('2pc.presumed_abort', true);
      const decision = await this.log.decide(transactionId, 'ABORTED', PRESUMED_ABORT);
      if (decision.outcome === 'ABORTED') {
        this.metrics.decided('ABORTED', PRESUMED_ABORT);
      }
      this.logger.warn(
        { transactionId, decision: decision.outcome },
        'transaction abandoned before its decision: presumed abort',
      );
    });
    await this.deliverDecision(transactionId);
  }

  /** Phase 2 for every participant that has not acknowledged the logged decision yet. */
  async deliverDecision(transactionId: string): Promise<void> {
    if (this.delivering.has(transactionId)) {
      return;
    }
    this.delivering.add(transactionId);
    try {
      const transaction = await this.log.find(transactionId);
      const decision = transaction && decisionOf(transaction.state);
      if (transaction && decision) {
        await this.deliver(transaction, decision);
      }
    } finally {
      this.delivering.delete(transactionId);
    }
  }

  /**
   * Phases 1 and 2 of a transaction this request logged. Answers the
   * transaction as it stands after phase 2 was tried once, or undefined if
   * another request logged it first or a recovery decided it first (then the
   * log has the answer).
   */
  private async execute(
    request: BeginTransaction,
    caller: Partial<TraceHeaders>,
  ): Promise<TransactionView | undefined> {
    const attributes = { '2pc.transaction_id': request.transactionId, 'order.id': request.orderId };
    // The order service's request gets no HTTP span (see @dtx/telemetry): the trace continues from its headers.
    return withSpan('2pc transaction', { attributes, parent: contextFromHeaders(caller) }, async (span) => {
      const logged = await this.log.begin(request, activeTraceHeaders()?.traceparent);
      if (!logged) {
        span.setAttribute('2pc.joined', true);
        return undefined;
      }
      const startedAt = performance.now();
      const votes = await this.collectVotes(request);
      const no = votes.find((entry) => entry.vote.vote === 'NO');
      if (!no) {
        await this.crashPoints.reached('after-prepare');
      }
      const reason = no?.vote.vote === 'NO' ? no.vote.reason : undefined;
      const ours: TwoPhaseOutcome = no ? 'ABORTED' : 'COMMITTED';
      const decision = await withSpan('2pc decision', { attributes }, async (decisionSpan) => {
        const logged = await this.log.decide(request.transactionId, ours, reason, votes);
        decisionSpan.setAttribute('2pc.decision', logged.outcome);
        if (logged.reason) {
          decisionSpan.setAttribute('order.cancel_reason', logged.reason);
        }
        return logged;
      });
      this.metrics.decided(decision.outcome, decision.reason, (performance.now() - startedAt) / 1000);
      span.setAttribute('2pc.decision', decision.outcome);
      await this.crashPoints.reached('after-decision');
      if (decision.outcome !== ours || decision.reason !== reason) {
        await this.deliverDecision(request.transactionId);
        return undefined;
      }
      const { transactionId, ...work } = request;
      const decided: LoggedTransaction = {
        id: transactionId,
        state: ours === 'COMMITTED' ? 'COMMITTING' : 'ABORTING',
        ...(reason ? { reason } : {}),
        work,
        participants: votes.map(({ participant, vote }) => ({ name: participant, vote: vote.vote, outcome: null })),
      };
      return transactionView(await this.deliver(decided, ours));
    });
  }

  private collectVotes(request: BeginTransaction): Promise<CollectedVote[]> {
    const { transactionId, ...work } = request;
    return Promise.all(
      twoPhaseParticipants.map((participant) =>
        withSpan(
          `2pc prepare ${participant}`,
          {
            kind: SpanKind.CLIENT,
            attributes: { '2pc.transaction_id': transactionId, '2pc.participant': participant },
          },
          async (span) => {
            const vote = await this.participants.prepare(participant, transactionId, work, traceHeadersOf(span));
            span.setAttribute('2pc.vote', vote.vote);
            if (vote.vote === 'NO') {
              span.setAttribute('order.cancel_reason', vote.reason);
            }
            return { participant, vote };
          },
        ),
      ),
    );
  }

  /**
   * One round of phase 2: the decision goes to every participant that has not
   * acknowledged it, all at once, and the round's acknowledgements and
   * failures are logged together. Returns the transaction as it stands after.
   */
  private async deliver(transaction: LoggedTransaction, decision: TwoPhaseOutcome): Promise<LoggedTransaction> {
    const pending = transaction.participants.filter((participant) => participant.outcome === null);
    let acknowledged = 0;
    const reports = await Promise.all(
      pending.map(async ({ name }) => {
        const report = await this.deliverTo(transaction, name, decision);
        if ('acknowledged' in report && ++acknowledged === 1 && pending.length > 1) {
          await this.crashPoints.reached('mid-phase-two');
        }
        return report;
      }),
    );
    const finished = await this.log.recordPhaseTwo(transaction.id, reports);
    const outcomes = new Map(
      reports.flatMap((report) => ('acknowledged' in report ? [[report.participant, report.acknowledged]] : [])),
    );
    return {
      ...transaction,
      // A finished transaction's state is its decision (COMMITTED or ABORTED).
      state: finished ? decision : transaction.state,
      participants: transaction.participants.map((participant) => ({
        ...participant,
        outcome: outcomes.get(participant.name) ?? participant.outcome,
      })),
    };
  }

  private deliverTo(
    transaction: LoggedTransaction,
    participant: TwoPhaseParticipantName,
    decision: TwoPhaseOutcome,
  ): Promise<DeliveryReport> {
    const name = `2pc ${decision === 'COMMITTED' ? 'commit' : 'abort'} ${participant}`;
    return this.inTraceOf(transaction, name, async (span): Promise<DeliveryReport> => {
      span.setAttribute('2pc.participant', participant);
      const abort = { orderId: transaction.work.orderId, reason: transaction.reason ?? 'ABORTED' };
      try {
        await this.participants.deliver(participant, transaction.id, decision, abort, traceHeadersOf(span));
        return { participant, acknowledged: decision };
      } catch (error) {
        markFailed(span, error);
        this.metrics.deliveryFailed(participant);
        return { participant, error: error instanceof Error ? error.message : String(error) };
      }
    });
  }

  /** A span in the active trace, or (for recovery, which has none) in the trace of the order that began the transaction. */
  private inTraceOf<Result>(
    transaction: LoggedTransaction,
    name: string,
    work: (span: Span) => Promise<Result>,
  ): Promise<Result> {
    const parent =
      activeTraceHeaders() || !transaction.traceparent
        ? undefined
        : contextFromHeaders({ traceparent: transaction.traceparent });
    const attributes = { '2pc.transaction_id': transaction.id, 'order.id': transaction.work.orderId };
    return withSpan(name, { attributes, ...(parent ? { parent } : {}) }, work);
  }

  private async awaitDecision(transactionId: string): Promise<RunOutcome> {
    const giveUpAt = Date.now() + DECISION_WAIT_MS;
    for (;;) {
      const transaction = await this.log.find(transactionId);
      if (!transaction) {
        throw new Error(`transaction ${transactionId} was run but is not in the log`);
      }
      if (decisionOf(transaction.state)) {
        return { kind: 'decided', transaction: transactionView(transaction) };
      }
      if (Date.now() > giveUpAt) {
        return { kind: 'undecided' };
      }
      await sleep(100);
    }
  }
}
