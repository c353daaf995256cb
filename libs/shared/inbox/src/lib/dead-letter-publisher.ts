import type { ParseFailureReason } from '@dtx/contracts';
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';

export type DeadLetterReason = ParseFailureReason | 'HEADER_MISMATCH' | 'LAMPORT_TOO_FAR_AHEAD' | 'HANDLER_FAILED';

/** Dead-letter headers: why, and where the original came from. */
export const DeadLetterHeaders = {
  reason: 'dead-letter-reason',
  error: 'dead-letter-error',
  attempts: 'dead-letter-attempts',
  consumerGroup: 'dead-letter-consumer-group',
  deadLetteredAt: 'dead-lettered-at',
  originalTopic: 'original-topic',
  originalPartition: 'original-partition',
  originalOffset: 'original-offset',
  originalTimestamp: 'original-timestamp',
} as const;

/** A message as Kafka delivered it, with the topic and partition it came from. */
export interface Delivery {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** Copies a message that cannot be handled to the dead-letter topic, unchanged, with the reason in headers. */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly consumerGroup: string,
  ) {}

  async publish(delivery: Delivery, reason: DeadLetterReason, detail: string, attempts: number): Promise<void> {
    const { topic, partition, message } = delivery;
    const headers: IHeaders = {
      ...message.headers,
      [DeadLetterHeaders.reason]: reason,
      [DeadLetterHeaders.error]: detail.slice(0, 4_000),
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.consumerGroup]: this.consumerGroup,
      [DeadLetterHeaders.deadLetteredAt]: new Date().toISOString(),
      [DeadLetterHeaders.originalTopic]: topic,
      [DeadLetterHeaders.originalPartition]: String(partition),
      [DeadLetterHeaders.originalOffset]: message.offset,
      [DeadLetterHeaders.originalTimestamp]: message.timestamp,
    };
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
  }
}
