import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ObservedMessage } from '@dtx/inspection';
import { CONSOLE_GROUP_PREFIX } from '@dtx/messaging';
import { OrderMessageIndex, readOrderMessages } from '@dtx/order-messages';
import { kafkaSecurityOf } from '@dtx/config';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { ConsoleConfig } from '../console.config.js';
import { CONSOLE_CONFIG, CONSOLE_KAFKA } from '../tokens.js';

/** An order's messages, and where they came from. */
export interface OrderMessages {
  messages: ObservedMessage[];
  note?: string | undefined;
}

/**
 * The console's index of every Kafka message by order id (@dtx/order-messages),
 * started with the app; an order the index cannot vouch for (dropped to stay
 * within CONSOLE_INDEX_MAX_MESSAGES, or the index still catching up) is read
 * from the topics instead, as `npm run inspect` does.
 */
@Injectable()
export class MessageIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly index: OrderMessageIndex;

  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    @Inject(CONSOLE_KAFKA) kafka: Kafka,
    private readonly logger: PinoLogger,
  ) {
    this.index = new OrderMessageIndex({
      kafka,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      groupIdPrefix: CONSOLE_GROUP_PREFIX,
      maxMessages: config.CONSOLE_INDEX_MAX_MESSAGES,
      onError: (error, context) => this.logger.warn({ err: error }, `message index: ${context} failed`),
    });
  }

  onApplicationBootstrap(): void {
    // In the background: the console serves its pages while the index reads the topics.
    void this.startIndex();
  }

  private async startIndex(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.index.start();
        this.logger.info('message index: reading every topic');
        return;
      } catch (error) {
        this.logger.warn({ err: error, attempt }, 'message index: could not start; trying again in 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.index.stop();
  }

  async messagesOf(orderId: string): Promise<OrderMessages> {
    const indexed = this.index.messagesOf(orderId);
    if (indexed.complete) {
      return { messages: indexed.messages };
    }
    const status = this.index.status();
    const startedAt = performance.now();
    const messages = await readOrderMessages({
      brokers: this.config.KAFKA_BROKERS,
      security: kafkaSecurityOf(this.config),
      prefix: this.config.KAFKA_TOPIC_PREFIX,
      orderId,
      follow: false,
      clientId: 'console',
      groupIdPrefix: CONSOLE_GROUP_PREFIX,
    });
    const why =
      status.state === 'current'
        ? `the index dropped older orders to stay within ${status.maxMessages} messages`
        : `the index is ${status.state}`;
    return {
      messages,
      note: `Read from the topics in ${Math.round(performance.now() - startedAt)} ms (${why}).`,
    };
  }
}
