import { withTimeout } from '@dtx/util';
import type { Admin, Kafka } from 'kafkajs';

/**
 * Answers "can this process talk to the Kafka cluster right now?" quickly.
 *
 * Keeps one admin connection between probes and drops it after a failure, so a
 * broker that comes back is noticed on the next probe.
 */
export class KafkaReadinessProbe {
  private admin: Admin | undefined;

  constructor(private readonly kafka: Kafka) {}

  /** Resolves when the cluster answers a metadata request within `timeoutMs`. */
  async check(timeoutMs: number): Promise<{ brokers: number; controller: number | null }> {
    try {
      return await withTimeout(this.describeCluster(), timeoutMs, 'Kafka cluster');
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async describeCluster() {
    if (!this.admin) {
      this.admin = this.kafka.admin({ retry: { retries: 0 } });
      await this.admin.connect();
    }
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }
}
