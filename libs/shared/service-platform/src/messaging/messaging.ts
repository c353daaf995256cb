import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { KAFKA_MAX_FETCH_MIN_BYTES } from '@dtx/config';
import { consumerGroupOf, deadLetterTopic, topicsOf, type ConsumerLane } from '@dtx/contracts';
import { FaultInjector, MessageDispatcher, type BatchLocks, type MessageHandlers } from '@dtx/inbox';
import { Outbox, OutboxRelay, publishWithProducer } from '@dtx/outbox';
import { transactionRunner, type TransactionRunner } from '@dtx/sql';
import { errorMessage, sleep } from '@dtx/util';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type pg from 'pg';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { KAFKA, SERVICE_PLATFORM_OPTIONS, SQL_POOL, type PlatformOptions } from '../lib/tokens.js';
import { MessagingMetrics } from './messaging-metrics.js';

/**
 * A service's messaging: one transaction runner, the outbox and its relay,
 * the consumers the service registers, and one idempotent producer.
 * Consumers stop first on shutdown, then the relay, then the producer.
 */
@Injectable()
export class Messaging
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly outbox: Outbox;
  readonly transaction: TransactionRunner;
  private readonly producer: Producer;
  private readonly relay: OutboxRelay;
  private readonly dispatchers: MessageDispatcher[] = [];
  private readonly lanes = new Set<ConsumerLane>();
  private producerConnected: Promise<void> | undefined;
  private stopping = false;
  private readonly metrics: MessagingMetrics;

  constructor(
    @Inject(SERVICE_PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SQL_POOL) pool: pg.Pool,
    private readonly logger: PinoLogger,
    private readonly faults: FaultInjector,
    registry: MetricsRegistry,
  ) {
    const { serviceName, config } = options;
    this.metrics = new MessagingMetrics(registry);
    this.outbox = new Outbox({
      source: serviceName,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      notifyChannel: `outbox_${serviceName}`,
    });
    this.transaction = transactionRunner(pool);
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.relay = new OutboxRelay({
      pool,
      databaseUrl: config.DATABASE_URL,
      notifyChannel: this.outbox.notifyChannel,
      publish: async (records) => {
        await this.producerConnected;
        await publishWithProducer(this.producer)(records);
      },
      logger: logger.logger,
      lingerMs: config.OUTBOX_RELAY_LINGER_MS,
      onPublished: (lags, from) => {
        this.metrics.outboxPublished.inc({ from }, lags.length);
        for (const lag of lags) {
          this.metrics.relayLag.observe(lag);
        }
      },
    });
    this.metrics.watchBacklog(registry, () => this.relay.backlog());
  }

  /** A topic name with this deployment's prefix. */
  topic(name: string): string {
    return `${this.options.config.KAFKA_TOPIC_PREFIX}${name}`;
  }

  /** Outbox rows not yet published, and how long the oldest has waited (seconds). */
  outboxBacklog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    return this.relay.backlog();
  }

  /**
   * Registers a consumer of the messages `handlers` handle, subscribed to the
   * topics they travel on; it starts with the application. Call from
   * onModuleInit, at most once per lane. `lockFirst`: the row locks a batch
   * takes before its handlers (see BatchLocks).
   */
  consume(handlers: MessageHandlers, lane: ConsumerLane = 'saga-steps', lockFirst?: BatchLocks): void {
    const { serviceName, config } = this.options;
    if (this.lanes.has(lane)) {
      throw new Error(`${serviceName} already consumes in the ${lane} lane: one consumer group, one consumer`);
    }
    this.lanes.add(lane);
    const settlement = lane === 'settlement';
    this.dispatchers.push(
      new MessageDispatcher({
        // Prefixed like the topics, so deployments sharing a broker never share a group.
        consumerGroup: this.topic(consumerGroupOf(serviceName, lane)),
        topics: topicsOf(handlers).map((topic) => this.topic(topic)),
        handlers,
        kafka: this.kafka,
        producer: this.producer,
        deadLetterTopic: this.topic(deadLetterTopic(serviceName)),
        transaction: this.transaction,
        outbox: this.outbox,
        logger: this.logger.logger,
        faults: this.faults,
        metrics: this.metrics.forDispatcher(),
        partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
        maxMessagesPerTransaction: config.MAX_MESSAGES_PER_TRANSACTION,
        // Settlement: asking for more bytes than a wait ever gathers, the broker answers when
        // KAFKA_SETTLEMENT_FETCH_WAIT_MS is up, with whatever came meanwhile: fewer, larger batches.
        fetch: settlement
          ? { minBytes: KAFKA_MAX_FETCH_MIN_BYTES, maxWaitTimeInMs: config.KAFKA_SETTLEMENT_FETCH_WAIT_MS }
          : { minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS },
        maxLamportJump: config.LAMPORT_MAX_JUMP,
        ...(lockFirst ? { lockFirst } : {}),
      }),
    );
  }

  /** Resolves once every registered consumer has joined its group. */
  async consumersJoined(): Promise<void> {
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.joined));
  }

  onApplicationBootstrap(): void {
    this.producerConnected = this.connectProducer();
    this.relay.start();
    for (const dispatcher of this.dispatchers) {
      dispatcher.start();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.stop()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }

  private async connectProducer(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.producer.connect();
        return;
      } catch (error) {
        this.logger.warn({ err: error }, `Kafka producer could not connect (${errorMessage(error)}); retrying`);
        await sleep(2_000);
      }
    }
  }
}
