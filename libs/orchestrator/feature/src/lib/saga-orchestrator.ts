import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageEnvelope, MessageType, PayloadOf } from '@dtx/contracts';
import type { OutgoingMessage } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import {
  applyDeadline,
  applyReply,
  highestAttempt,
  overdueCommands,
  restartOverdueReplies,
  startSaga,
  type QueueState,
  type SagaContext,
  type SagaDefinition,
  type SagaInstance,
  type SagaTransition,
} from '@dtx/saga';
import { Messaging } from '@dtx/service-platform';
import { activeTraceHeaders, contextFromHeaders, startSpan, traceHeadersOf, withSpan } from '@dtx/telemetry';
import { PinoLogger } from 'nestjs-pino';
import type { CreateOrderSagaData } from './create-order/create-order.saga.js';
import {
  insertSaga,
  lockDueSagas,
  lockSaga,
  lockSagasWithOverdueReplies,
  recordIgnoredReply,
  saveSaga,
} from '@dtx/orchestrator-data-access';
import { SagaMetrics } from './saga-metrics.js';
import { SagaQueueProbe } from './saga-queue-probe.js';

export const CREATE_ORDER_SAGA = Symbol('CREATE_ORDER_SAGA');

const context = (): SagaContext => ({ now: Date.now(), random: Math.random });
/** Sagas whose overdue replies are restarted per transaction. */
const RESTART_BATCH = 200;

/**
 * Runs create-order sagas: starts one per orchestrated order, applies
 * replies, fires durable timers. Every transition is saved in the same
 * transaction as the commands it sends (through the outbox).
 */
@Injectable()
export class SagaOrchestrator {
  constructor(
    @Inject(CREATE_ORDER_SAGA) private readonly definition: SagaDefinition<CreateOrderSagaData>,
    private readonly messaging: Messaging,
    private readonly metrics: SagaMetrics,
    private readonly queues: SagaQueueProbe,
    private readonly logger: PinoLogger,
  ) {}

  /** OrderCreated (orchestration mode): the order exists; start its saga. */
  async start(tx: SqlTransaction, order: PayloadOf<'OrderCreated'>): Promise<OutgoingMessage[]> {
    const transition = startSaga(
      this.definition,
      {
        sagaId: randomUUID(),
        orderId: order.orderId,
        data: { orderId: order.orderId, customerId: order.customerId, items: order.items, total: order.total },
      },
      context(),
    );
    const trace = activeTraceHeaders();
    const stage = this.stageName(transition.instance);
    if (!(await insertSaga(tx, transition.instance, stage, trace ? { ...trace } : undefined))) {
      return [];
    }
    this.metrics.started.inc({ saga: this.definition.name });
    this.logger.info({ sagaId: transition.instance.sagaId, orderId: order.orderId }, 'saga started');
    return this.commandsOf(transition);
  }

  /** A participant's reply: applied if it answers the command the saga waits for, otherwise recorded and ignored. */
  async reply(tx: SqlTransaction, reply: MessageEnvelope<'SagaReply'>): Promise<OutgoingMessage[]> {
    const saga = await lockSaga<CreateOrderSagaData>(tx, reply.payload.sagaId);
    if (!saga) {
      this.logger.warn({ sagaId: reply.payload.sagaId, messageId: reply.id }, 'reply for an unknown saga ignored');
      return [];
    }
    const transition = applyReply(this.definition, saga, reply.payload, context());
    if (transition.ignored) {
      await recordIgnoredReply(tx, saga.sagaId, reply.payload, transition.ignored);
      this.metrics.repliesIgnored.inc({ saga: this.definition.name });
      this.logger.info(
        { sagaId: saga.sagaId, orderId: saga.orderId, messageId: reply.id, why: transition.ignored },
        'reply fenced off',
      );
      return [];
    }
    this.observeStepDurations(saga, transition.instance);
    return this.save(tx, saga.needsAttention, transition);
  }

  /** Step lines that ended with this transition: their time from first send to final reply. */
  private observeStepDurations(
    before: SagaInstance<CreateOrderSagaData>,
    after: SagaInstance<CreateOrderSagaData>,
  ): void {
    for (const line of after.history) {
      const earlier = before.history.find((entry) => entry.name === line.name && entry.kind === line.kind);
      if (line.endedAt && !earlier?.endedAt) {
        const seconds = (Date.parse(line.endedAt) - Date.parse(line.startedAt)) / 1000;
        this.metrics.stepDuration.observe(
          { saga: this.definition.name, step: line.name, kind: line.kind, status: line.status },
          seconds,
        );
      }
    }
  }

  /** Fires every due timer (overdue replies, scheduled retries); returns how many sagas moved. */
  async fireDueDeadlines(limit = 100): Promise<number> {
    return this.messaging.transaction(async (tx) => {
      const due = await lockDueSagas<CreateOrderSagaData>(tx, Date.now(), limit);
      for (const { saga, trace } of due) {
        // A timer has no message to continue: its steps join the trace the saga started in.
        await withSpan(
          `saga ${this.definition.name} timer`,
          { parent: contextFromHeaders(trace ?? {}), attributes: this.attributesOf(saga) },
          async () => {
            const now = context();
            const queues = await this.queueStatesOf(saga, now.now);
            const transition = applyDeadline(this.definition, saga, now, queues);
            if (transition.deferred) {
              this.metrics.timersDeferred.inc({ saga: this.definition.name }, transition.deferred.length);
            }
            this.observeStepDurations(saga, transition.instance);
            const commands = await this.save(tx, saga.needsAttention, transition);
            await this.messaging.outbox.emit(tx, commands, { aggregateId: saga.orderId, correlationId: saga.sagaId });
          },
        );
      }
      return due.length;
    });
  }

  /** For each overdue reply: is its command, or the reply, still queued? */
  private async queueStatesOf(
    saga: SagaInstance<CreateOrderSagaData>,
    now: number,
  ): Promise<Record<string, QueueState>> {
    const overdue = overdueCommands(this.definition, saga, now);
    const states = await Promise.all(overdue.map((command) => this.queues.stateOf(command)));
    return Object.fromEntries(overdue.map((command, index) => [command.step, states[index] ?? 'queued']));
  }

  /** Gives every overdue reply a fresh step timeout from now; returns how many sagas it touched. */
  async restartOverdueReplyTimers(): Promise<number> {
    // One clock for every batch, so that a saga restarted by one is not overdue again in the next.
    const now = context();
    let restarted = 0;
    for (;;) {
      const batch = await this.messaging.transaction(async (tx) => {
        const overdue = await lockSagasWithOverdueReplies<CreateOrderSagaData>(tx, now.now, RESTART_BATCH);
        for (const saga of overdue) {
          await saveSaga(tx, restartOverdueReplies(this.definition, saga, now), this.stageName(saga));
        }
        return overdue.length;
      });
      restarted += batch;
      if (batch < RESTART_BATCH) {
        return restarted;
      }
    }
  }

  private async save(
    tx: SqlTransaction,
    neededAttention: boolean,
    transition: SagaTransition<CreateOrderSagaData>,
  ): Promise<OutgoingMessage[]> {
    const saga = transition.instance;
    const stage = this.stageName(saga);
    await saveSaga(tx, saga, stage);
    const log = {
      sagaId: saga.sagaId,
      orderId: saga.orderId,
      step: stage,
      attempt: highestAttempt(saga),
    };
    if (saga.needsAttention && !neededAttention) {
      this.metrics.needingAttention.inc({ saga: this.definition.name });
      this.logger.error(log, 'saga needs attention: a step keeps failing; it is still being retried');
    }
    if (saga.status === 'COMPLETED' || saga.status === 'COMPENSATED') {
      this.metrics.finished.inc({ saga: this.definition.name, status: saga.status, reason: saga.data.reason ?? '' });
      this.logger.info({ ...log, status: saga.status, reason: saga.data.reason }, 'saga finished');
      await withSpan(
        `saga ${this.definition.name} ${saga.status.toLowerCase()}`,
        { attributes: this.attributesOf(saga) },
        async () => undefined,
      );
    }
    return this.commandsOf(transition);
  }

  /**
   * The commands of a transition, each sent from a span of its own named after
   * the step (`saga create-order step reserve-stock`, `saga create-order
   * compensate reserve-stock`), so the trace shows every step and compensation.
   */
  private commandsOf(transition: SagaTransition<CreateOrderSagaData>): OutgoingMessage[] {
    const saga = transition.instance;
    const compensating = saga.status === 'COMPENSATING';
    return transition.commands.map((command) => {
      const step = String(command.payload['step']);
      const span = startSpan(`saga ${this.definition.name} ${compensating ? 'compensate' : 'step'} ${step}`, {
        attributes: {
          ...this.attributesOf(saga),
          'saga.attempt': Number(command.payload['attempt']),
          'saga.step': step,
          'saga.command': command.type,
          'saga.compensation': compensating,
        },
      });
      span.end();
      return {
        type: command.type as MessageType,
        payload: command.payload as PayloadOf<MessageType>,
        correlationId: saga.sagaId,
        trace: traceHeadersOf(span),
      };
    });
  }

  private attributesOf(saga: SagaInstance<CreateOrderSagaData>) {
    return {
      'order.id': saga.orderId,
      'saga.id': saga.sagaId,
      'saga.name': this.definition.name,
      'saga.mode': 'orchestration',
      'saga.status': saga.status,
      'saga.attempt': highestAttempt(saga),
      ...(saga.data.reason ? { 'order.cancel_reason': saga.data.reason } : {}),
    };
  }

  /** The step the saga is at, or the parallel group it runs (stored as current_step). */
  private stageName(saga: SagaInstance<CreateOrderSagaData>): string | null {
    const step = this.definition.steps[saga.stepIndex];
    return step?.group ?? step?.name ?? null;
  }
}
