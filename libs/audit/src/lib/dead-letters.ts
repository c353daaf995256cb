import { randomUUID } from 'node:crypto';
import type { KafkaSecurity } from '@dtx/config';
import type { ParseFailureReason } from '@dtx/contracts';
import { deadLetterTopic } from '@dtx/contracts';
import { DeadLetterHeaders } from '@dtx/inbox';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { AUDITED_SERVICES, type DeadLetter, type Violation } from './audit-report.js';
import { isFinal, type AuditedOrder } from './orders.js';

/** A dead letter as read, before it is accounted for. */
export type ReadDeadLetter = Omit<DeadLetter, 'accounting' | 'accountedFor'>;

const READ_TIMEOUT_MS = 60_000;

/** Reasons for input that never was a message of the system. */
const PARSE_FAILURES: ReadonlySet<string> = new Set<ParseFailureReason>([
  'INVALID_JSON',
  'INVALID_ENVELOPE',
  'UNKNOWN_TYPE',
  'UNSUPPORTED_SCHEMA_VERSION',
  'INVALID_PAYLOAD',
]);

/** Every record of every service's dead-letter topic, from the beginning up to where each ends now. */
export async function readDeadLetters(
  brokers: string[],
  topicPrefix: string,
  security: KafkaSecurity = {},
): Promise<ReadDeadLetter[]> {
  const kafka = new Kafka({ clientId: 'audit', brokers, ...security, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `audit-${randomUUID()}`;
  let consumer: Consumer | undefined;
  try {
    const existing = new Set(await admin.listTopics());
    const topics = AUDITED_SERVICES.map((service) => topicPrefix + deadLetterTopic(service)).filter((topic) =>
      existing.has(topic),
    );
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) {
          ends.set(`${topic}/${partition}`, BigInt(high));
        }
      }
    }
    const letters: ReadDeadLetter[] = [];
    if (ends.size === 0) {
      return letters;
    }
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dead letters not read within ${READ_TIMEOUT_MS} ms (left: ${[...ends.keys()]})`)),
        READ_TIMEOUT_MS,
      );
      consumer
        ?.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const partition = `${batch.topic}/${batch.partition}`;
            const end = ends.get(partition);
            for (const message of batch.messages) {
              if (end !== undefined && BigInt(message.offset) < end) {
                letters.push(readDeadLetter(batch.topic, batch.partition, message));
              }
            }
            if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
              ends.delete(partition);
            }
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return letters.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** The dead letter's headers, and the order it names: its payload's orderId, else its aggregate id, else its key. */
export function readDeadLetter(topic: string, partition: number, message: KafkaMessage): ReadDeadLetter {
  const header = (name: string) => message.headers?.[name]?.toString() ?? '';
  let envelope: { type?: unknown; aggregateId?: unknown; payload?: { orderId?: unknown } } = {};
  try {
    const parsed: unknown = JSON.parse(message.value?.toString() ?? '');
    envelope = typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    // Unparseable: only the key can name an order.
  }
  const named = [envelope.payload?.orderId, envelope.aggregateId, message.key?.toString()].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate.length > 0,
  );
  return {
    topic,
    partition,
    offset: message.offset,
    reason: header(DeadLetterHeaders.reason),
    originalTopic: header(DeadLetterHeaders.originalTopic),
    type: typeof envelope.type === 'string' ? envelope.type : null,
    orderId: named ?? null,
  };
}

/**
 * A dead letter is accounted for when its loss had no effect: the order it
 * names exists, is final and passes every other check (no violation of the
 * order, of its SKUs or of its customer's account); or it names no known
 * order and its reason is a parse failure, input that never was a message of
 * the system. Anything else is an `unaccounted-dead-letter` violation.
 */
export function accountForDeadLetters(
  letters: ReadDeadLetter[],
  orders: Map<string, AuditedOrder>,
  violations: Violation[],
): { deadLetters: DeadLetter[]; violations: Violation[] } {
  const failing = (subject: Violation['subject']) =>
    new Set(violations.filter((violation) => violation.subject === subject).map((violation) => violation.id));
  const [failingOrders, failingSkus, failingAccounts] = [failing('order'), failing('sku'), failing('account')];
  const why = (order: AuditedOrder): string | undefined => {
    if (!isFinal(order)) {
      return `order ${order.id} is ${order.status}`;
    }
    const problems = [
      ...(failingOrders.has(order.id) ? ['the order'] : []),
      ...order.skus.filter((sku) => failingSkus.has(sku)).map((sku) => `SKU ${sku}`),
      ...(failingAccounts.has(order.customerId) ? [`account ${order.customerId}`] : []),
    ];
    return problems.length > 0 ? `order ${order.id} fails other checks (${problems.join(', ')})` : undefined;
  };
  const deadLetters = letters.map((letter): DeadLetter => {
    const order = letter.orderId === null ? undefined : orders.get(letter.orderId);
    if (order) {
      const problem = why(order);
      return problem
        ? { ...letter, accountedFor: false, accounting: problem }
        : { ...letter, accountedFor: true, accounting: `order ${order.status} and passes every other check` };
    }
    return PARSE_FAILURES.has(letter.reason)
      ? { ...letter, accountedFor: true, accounting: 'unparseable input naming no known order' }
      : { ...letter, accountedFor: false, accounting: 'names no known order' };
  });
  return {
    deadLetters,
    violations: deadLetters
      .filter((letter) => !letter.accountedFor)
      .map((letter) => ({
        kind: 'unaccounted-dead-letter',
        subject: 'dead-letter',
        id: letter.orderId ?? `${letter.topic}/${letter.partition}@${letter.offset}`,
        detail: `${letter.reason} ${letter.type ?? '(no type)'} from ${letter.originalTopic || '?'} at ${letter.topic}/${letter.partition}@${letter.offset}: ${letter.accounting}`,
      })),
  };
}
