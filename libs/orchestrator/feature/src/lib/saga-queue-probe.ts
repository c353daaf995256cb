import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { isMessageType, messageCatalog, Topics } from '@dtx/contracts';
import type { QueueState } from '@dtx/saga';
import { KAFKA, Messaging } from '@dtx/service-platform';
import { errorMessage, withTimeout } from '@dtx/util';
import type { Admin, Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';

/** How long one reading of a queue is reused. */
const FRESH_FOR_MS = 1_000;
/** A broker that does not answer within this is treated as holding everything. */
const BROKER_TIMEOUT_MS = 2_000;

/** A command a saga waits on: its type and the participant that consumes it. */
export interface AwaitedCommand {
  type: string;
  participant: string;
}

/**
 * Answers "slow or dead?" for overdue replies: is anything still queued
 * between the orchestrator and a participant? It reads the orchestrator's
 * outbox backlog, the participant's consumer-group lag on the command's
 * topic, and the orchestrator's own lag on the reply topic. Whatever it
 * cannot read counts as queued: a broker that cannot be asked could not
 * deliver another copy of the command either.
 */
@Injectable()
export class SagaQueueProbe implements OnModuleDestroy {
  private admin: Promise<Admin> | undefined;
  /** Recent readings by queue, reused for a second: overdue timers fire in bursts. */
  private readonly readings = new Map<string, { at: number; queued: Promise<boolean> }>();

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly messaging: Messaging,
    private readonly logger: PinoLogger,
  ) {}

  /** Where `command` and its reply may be: still queued somewhere, or every queue drained. */
  async stateOf(command: AwaitedCommand): Promise<QueueState> {
    const topic = isMessageType(command.type) ? messageCatalog[command.type].topic : undefined;
    if (!topic) {
      return 'queued';
    }
    const queues = await Promise.all([
      this.reading('outbox', async () => (await this.messaging.outboxBacklog()).pending > 0),
      this.reading('replies', () => this.lagged('orchestrator', Topics.sagaReplies)),
      this.reading(`${command.participant} ${topic}`, () => this.lagged(command.participant, topic)),
    ]);
    return queues.some(Boolean) ? 'queued' : 'drained';
  }

  async onModuleDestroy(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  private reading(queue: string, measure: () => Promise<boolean>): Promise<boolean> {
    const recent = this.readings.get(queue);
    if (recent && Date.now() - recent.at <= FRESH_FOR_MS) {
      return recent.queued;
    }
    const queued = withTimeout(measure(), BROKER_TIMEOUT_MS, queue).catch((error: unknown) => {
      this.logger.warn(
        { err: error, queue },
        `saga timers: ${queue} could not be read (${errorMessage(error)}); queued`,
      );
      return true;
    });
    this.readings.set(queue, { at: Date.now(), queued });
    return queued;
  }

  /** Whether `service`'s consumer group has messages of `topic` it has not consumed yet. */
  private async lagged(service: string, topic: string): Promise<boolean> {
    const admin = await this.connectedAdmin();
    const prefixed = this.messaging.topic(topic);
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(prefixed),
      admin.fetchOffsets({ groupId: this.messaging.topic(service), topics: [prefixed] }),
    ]);
    const committedByPartition = new Map(
      (committed[0]?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]),
    );
    return ends.some(({ partition, high, low }) => {
      const consumed = committedByPartition.get(partition) ?? -1;
      // -1: the group has committed nothing on this partition; everything retained is unread.
      return Number(high) > (consumed < 0 ? Number(low) : consumed);
    });
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }
}
