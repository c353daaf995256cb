import assert from 'node:assert/strict';
import { auditSystem, formatAuditReport } from '@dtx/audit';
import type { RunningSystem } from '@dtx/testing';

/** Runs the audit over every database and dead-letter topic of a system that runs all five services; asserts no violation. */
export async function assertAuditClean(system: RunningSystem, waitSeconds = 30): Promise<void> {
  const report = await auditSystem({
    databaseUrls: {
      order: system.databaseUrl('order'),
      inventory: system.databaseUrl('inventory'),
      payment: system.databaseUrl('payment'),
      orchestrator: system.databaseUrl('orchestrator'),
      coordinator: system.databaseUrl('coordinator'),
    },
    kafkaBrokers: system.brokers,
    kafkaSecurity: system.kafkaSecurity,
    topicPrefix: system.topicPrefix,
    waitSeconds,
  });
  assert.deepEqual(report.violations, [], formatAuditReport(report));
}
