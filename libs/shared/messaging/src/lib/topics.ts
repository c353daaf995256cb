import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

/** How long new topics may take to have a leader for every partition on the broker asked. */
const LEADERS_WITHIN_MS = 30_000;

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * Creates the topics that do not exist yet, and returns once every partition
 * of each has a leader; existing topics are left as they are.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) {
    return [];
  }
  const created = missing.map((spec) => spec.topic);
  // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker answers for a
  // topic the controller has created but whose metadata has not reached that broker yet.
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((spec) => ({
      topic: spec.topic,
      numPartitions: spec.numPartitions ?? 3,
      replicationFactor: spec.replicationFactor ?? -1,
      configEntries: spec.configEntries,
    })),
  });
  await untilLed(admin, created);
  return created;
}

/** Waits until the broker knows every partition of `topics` and each has a leader. */
async function untilLed(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_WITHIN_MS;
  for (;;) {
    let why: string;
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      const leaderless = described.filter((topic) =>
        topic.partitions.some((partition) => partition.partitionErrorCode !== 0 || partition.leader < 0),
      );
      if (described.length === topics.length && leaderless.length === 0) {
        return;
      }
      why = `no leader yet for ${leaderless.map((topic) => topic.name).join(', ') || 'some topic'}`;
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`new topics not led within ${LEADERS_WITHIN_MS} ms: ${why}`);
    }
    await sleep(100);
  }
}
