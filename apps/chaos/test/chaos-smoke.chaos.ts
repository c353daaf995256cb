import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatChaosReport, MAX_TIMEOUT_SHARE } from '../src/chaos-report.js';
import { runChaos, SMOKE_RUN } from '../src/chaos-run.js';

/**
 * The chaos smoke: every fault kind once (a replica of each service killed
 * and restarted, the coordinator, the Kafka broker, PostgreSQL) while orders
 * are placed in all three modes; then the audit of the whole system. It
 * restarts the shared broker and database, so it runs alone, after the
 * integration tests (scripts/test.sh).
 */
describe('chaos smoke: replicas, the coordinator, Kafka and PostgreSQL killed and restarted while orders flow', () => {
  it('ends with every order final, nothing lost or doubled, and no saga order cancelled for a fault', async () => {
    const report = await runChaos(SMOKE_RUN, (line) => console.log(`chaos: ${line}`));
    console.log(formatChaosReport(report));
    assert.deepEqual(report.audit.violations, []);
    assert.deepEqual(report.failures, []);
    assert.equal(report.faults.length, 7, 'every fault kind was injected');
    for (const mode of ['choreography', 'orchestration', '2pc'] as const) {
      const summary = report.modes[mode];
      assert.ok(summary && summary.placed > 0, `${mode} orders were placed`);
      assert.equal(summary.notFinal, 0, `${mode}: every order final`);
    }
    for (const mode of ['choreography', 'orchestration'] as const) {
      assert.ok((report.modes[mode]?.timeoutShare ?? 1) < MAX_TIMEOUT_SHARE, `${mode}: TIMEOUT share`);
    }
    assert.ok(report.finalAfterLastFaultSeconds !== null && report.finalAfterLastFaultSeconds <= 60);
  });
});
