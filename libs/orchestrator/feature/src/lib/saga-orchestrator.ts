import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageEnvelope, MessageType, PayloadOf } from '@dtx/contracts';
import type { OutgoingMessage, SqlTransaction } from '@dtx/outbox';
import { applyDeadline, applyReply, startSaga, type SagaDefinition, type SagaTransition } from '@dtx/saga';
import { Messaging } from '@dtx/service-platform';
import { PinoLogger } from 'nestjs-pino';
import type { CreateOrderSagaData } from './create-order/create-order.saga.js';
import { insertSaga, lockDueSagas, lockSaga, recordIgnoredReply, restartOverdueReplyTimers, saveSaga } from './saga.repository.js';
import { SagaMetrics } from './saga-metrics.js';

export const CREATE_ORDER_SAGA = Symbol('CREATE_ORDER_SAGA');

const context = () => ({ now: Date.now(), random: Math.random });

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
    if (!(await insertSaga(tx, transition.instance, this.currentStep(transition)))) {
      return [];
    }
    this.metrics.started.inc({ saga: this.definition.name });
    this.logger.info({ sagaId: transition.instance.sagaId, orderId: order.orderId }, 'saga started');
    return this.commandsOf(transition);
  }

  /** A participant's reply: applied if it is the one the saga waits for, otherwise recorded and ignored. */
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
      this.logger.info({ sagaId: saga.sagaId, orderId: saga.orderId, messageId: reply.id, why: transition.ignored }, 'reply fenced off');
      return [];
    }
    return this.save(tx, saga.needsAttention, transition);
  }

  /** Fires every due timer (overdue replies, scheduled retries); returns how many sagas moved. */
  async fireDueDeadlines(limit = 100): Promise<number> {
    return this.messaging.transaction(async (tx) => {
      const due = await lockDueSagas<CreateOrderSagaData>(tx, Date.now(), limit);
      for (const saga of due) {
        const transition = applyDeadline(this.definition, saga, context());
        const commands = await this.save(tx, saga.needsAttention, transition);
        await this.messaging.outbox.emit(tx, commands, { aggregateId: saga.orderId, correlationId: saga.sagaId });
      }
      return due.length;
    });
  }

  /** Re-arms every overdue reply timer for one step timeout from now; returns how many. */
  async restartOverdueReplyTimers(): Promise<number> {
    return this.messaging.transaction((tx) => restartOverdueReplyTimers(tx, Date.now(), this.definition.defaultPolicy.timeoutMs));
  }

  private async save(tx: SqlTransaction, neededAttention: boolean, transition: SagaTransition<CreateOrderSagaData>): Promise<OutgoingMessage[]> {
    const saga = transition.instance;
    await saveSaga(tx, saga, this.currentStep(transition));
    const log = { sagaId: saga.sagaId, orderId: saga.orderId, step: this.currentStep(transition), attempt: saga.attempt };
    if (saga.needsAttention && !neededAttention) {
      this.metrics.needingAttention.inc({ saga: this.definition.name });
      this.logger.error(log, 'saga needs attention: a step keeps failing; it is still being retried');
    }
    if (saga.status === 'COMPLETED' || saga.status === 'COMPENSATED') {
      this.metrics.finished.inc({ saga: this.definition.name, status: saga.status, reason: saga.data.reason ?? '' });
      this.logger.info({ ...log, status: saga.status, reason: saga.data.reason }, 'saga finished');
    }
    return this.commandsOf(transition);
  }

  private commandsOf(transition: SagaTransition<CreateOrderSagaData>): OutgoingMessage[] {
    return transition.commands.map((command) => ({
      type: command.type as MessageType,
      payload: command.payload as PayloadOf<MessageType>,
      correlationId: transition.instance.sagaId,
    }));
  }

  private currentStep(transition: SagaTransition<CreateOrderSagaData>): string | null {
    return this.definition.steps[transition.instance.stepIndex]?.name ?? null;
  }
}
