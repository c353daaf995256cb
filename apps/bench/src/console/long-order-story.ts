import type { RunningSystem } from '@dtx/testing';
import { readTopics, sendRecords, type ReadRecord } from '@dtx/testing';
import { readOrderMessages } from '@dtx/order-messages';

/** How long reading an order's records back may take on topics the maximum-rate search filled. */
const READ_TIMEOUT_MS = 60_000;

/**
 * Gives one order a long story, as a flaky network would: puts copies of its
 * messages back on their topics (same key, value and headers, so the same
 * `message-id`) until it has at least `wanted` messages. The consumers'
 * inboxes make every copy harmless; the console lists each as a redelivery.
 * Returns how many messages of the order there were before, and are now
 * (none, for an order without messages).
 */
export async function lengthenOrderStory(
  system: RunningSystem,
  orderId: string,
  wanted: number,
): Promise<{ original: number; total: number }> {
  const messages = await readOrderMessages({
    brokers: system.brokers,
    security: system.kafkaSecurity,
    prefix: system.topicPrefix,
    orderId,
    follow: false,
    clientId: 'bench',
  });
  if (messages.length === 0) {
    return { original: 0, total: 0 }; // a 2PC order: its story is told by votes, not messages
  }
  const wantedAt = new Set(messages.map((message) => locationOf(message)));
  const records = await readTopics({
    brokers: system.brokers,
    topics: [...new Set(messages.map((message) => message.topic))],
    keep: (record) => wantedAt.has(locationOf(record)),
    until: (kept) => kept.length >= wantedAt.size,
    timeoutMs: READ_TIMEOUT_MS,
  });
  if (records.length < wantedAt.size) {
    throw new Error(`read back ${records.length} of the ${wantedAt.size} records of order ${orderId}`);
  }
  const rounds = Math.max(0, Math.ceil((wanted - records.length) / records.length));
  await sendRecords(system.brokers, Array.from({ length: rounds }, () => records).flat());
  return { original: records.length, total: records.length * (rounds + 1) };
}

function locationOf(record: Pick<ReadRecord, 'topic' | 'partition' | 'offset'>): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}
