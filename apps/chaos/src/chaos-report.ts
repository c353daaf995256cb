import { formatAuditReport, type AuditReport } from '@dtx/audit';
import type { OrderMode } from '@dtx/contracts';
import type { InjectedFault } from './faults.js';
import type { Placement } from './failover-placer.js';

/** An order as the order database holds it at the end of the run. */
export interface OrderRecord {
  id: string;
  mode: OrderMode;
  status: string;
  reason: string | null;
  createdAt: number;
  /** When it became CONFIRMED or CANCELLED (`updated_at`); null while it is not final. */
  finalAt: number | null;
}

export interface ModeSummary {
  placed: number;
  /** `CONFIRMED`, `CANCELLED PAYMENT_DECLINED`, ... with their counts. */
  outcomes: Record<string, number>;
  /** Orders whose outcome is not the one planned, by outcome. */
  unexpected: Record<string, number>;
  /** Orders placed before a fault ended that became final after it began (or never did). */
  inFlightDuringFaults: number;
  cancelledWithTimeout: number;
  /** cancelledWithTimeout / inFlightDuringFaults. */
  timeoutShare: number;
  notFinal: number;
}

/** What a client saw of the orders it placed while one fault lasted, per mode. */
export interface FaultExperience {
  /** Orders whose first request was sent while the fault lasted. */
  placed: number;
  /** Of those, the ones whose first request was refused or failed, and were sent again. */
  retried: number;
  /** Seconds from the first request to the final state: the slowest of them. */
  maxSecondsToFinal: number | null;
  /** Outcomes other than the planned one. */
  unexpected: Record<string, number>;
}

export interface ChaosReport {
  startedAt: string;
  settings: Record<string, number | boolean>;
  modes: Partial<Record<OrderMode, ModeSummary>>;
  placementFailures: { index: number; mode: OrderMode; failure: string }[];
  faults: {
    name: string;
    atSeconds: number;
    downSeconds: number;
    experience: Partial<Record<OrderMode, FaultExperience>>;
  }[];
  /** For the orders placed before the last fault ended: the last one's time to final after that fault's end. */
  finalAfterLastFaultSeconds: number | null;
  audit: AuditReport;
  /** Why the run failed; empty when it passed. */
  failures: string[];
}

const MODES: readonly OrderMode[] = ['choreography', 'orchestration', '2pc'];
const SAGA_MODES: readonly OrderMode[] = ['choreography', 'orchestration'];
/** The share of in-flight saga orders that may be cancelled with TIMEOUT. */
export const MAX_TIMEOUT_SHARE = 0.01;

function outcomeOf(order: OrderRecord | undefined): string {
  if (!order) {
    return 'MISSING';
  }
  return order.status === 'CANCELLED' ? `CANCELLED ${order.reason ?? ''}`.trim() : order.status;
}

function expectedOutcome(placement: Placement): string {
  return placement.order.expected === 'CONFIRMED' ? 'CONFIRMED' : `CANCELLED ${placement.order.expected}`;
}

function inFlightDuring(order: OrderRecord | undefined, faults: InjectedFault[]): boolean {
  return (
    order !== undefined &&
    faults.some((fault) => order.createdAt <= fault.endedAt && (order.finalAt ?? Infinity) >= fault.startedAt)
  );
}

function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Outcomes per mode against the plan, and the share of in-flight orders lost to TIMEOUT. */
export function summarise(
  placements: Placement[],
  orders: Map<string, OrderRecord>,
  faults: InjectedFault[],
): Partial<Record<OrderMode, ModeSummary>> {
  const modes: Partial<Record<OrderMode, ModeSummary>> = {};
  for (const placement of placements.filter((entry) => entry.orderId)) {
    const mode = placement.order.mode;
    const summary = (modes[mode] ??= {
      placed: 0,
      outcomes: {},
      unexpected: {},
      inFlightDuringFaults: 0,
      cancelledWithTimeout: 0,
      timeoutShare: 0,
      notFinal: 0,
    });
    const order = orders.get(placement.orderId ?? '');
    const outcome = outcomeOf(order);
    summary.placed++;
    count(summary.outcomes, outcome);
    if (outcome !== expectedOutcome(placement)) {
      count(summary.unexpected, outcome);
    }
    if (order?.finalAt === null || order === undefined) {
      summary.notFinal++;
    }
    if (inFlightDuring(order, faults)) {
      summary.inFlightDuringFaults++;
      if (order?.reason === 'TIMEOUT') {
        summary.cancelledWithTimeout++;
      }
    }
  }
  for (const summary of Object.values(modes)) {
    summary.timeoutShare =
      summary.inFlightDuringFaults > 0 ? summary.cancelledWithTimeout / summary.inFlightDuringFaults : 0;
  }
  return modes;
}

/** Per mode, what the orders first sent while `fault` lasted went through. */
export function experienceOf(
  fault: InjectedFault,
  placements: Placement[],
  orders: Map<string, OrderRecord>,
): Partial<Record<OrderMode, FaultExperience>> {
  const modes: Partial<Record<OrderMode, FaultExperience>> = {};
  for (const placement of placements) {
    if (placement.firstSentAt < fault.startedAt || placement.firstSentAt > fault.endedAt) {
      continue;
    }
    const experience = (modes[placement.order.mode] ??= {
      placed: 0,
      retried: 0,
      maxSecondsToFinal: 0,
      unexpected: {},
    });
    const order = orders.get(placement.orderId ?? '');
    experience.placed++;
    if (placement.requests > 1) {
      experience.retried++;
    }
    const seconds = order?.finalAt ? (order.finalAt - placement.firstSentAt) / 1000 : null;
    experience.maxSecondsToFinal =
      seconds === null || experience.maxSecondsToFinal === null
        ? null
        : Math.max(experience.maxSecondsToFinal, seconds);
    const outcome = outcomeOf(order);
    if (outcome !== expectedOutcome(placement)) {
      count(experience.unexpected, outcome);
    }
  }
  return modes;
}

/** For orders placed before the last fault ended: how long after it the last of them became final. */
export function finalAfterLastFault(orders: Iterable<OrderRecord>, faults: InjectedFault[]): number | null {
  const lastEnd = Math.max(...faults.map((fault) => fault.endedAt));
  if (!Number.isFinite(lastEnd)) {
    return null;
  }
  let latest = lastEnd;
  for (const order of orders) {
    if (order.createdAt <= lastEnd) {
      latest = Math.max(latest, order.finalAt ?? Infinity);
    }
  }
  return Number.isFinite(latest) ? (latest - lastEnd) / 1000 : null;
}

/** What makes a run fail: any violation, an order lost or not final, a saga order cancelled because of a fault. */
export function failuresOf(report: Omit<ChaosReport, 'failures'>, finalWithinSeconds: number): string[] {
  const failures: string[] = [];
  if (report.audit.violations.length > 0) {
    failures.push(`${report.audit.violations.length} audit violations`);
  }
  if (report.placementFailures.length > 0) {
    failures.push(`${report.placementFailures.length} orders could not be placed`);
  }
  if (report.finalAfterLastFaultSeconds === null || report.finalAfterLastFaultSeconds > finalWithinSeconds) {
    failures.push(`orders not final within ${finalWithinSeconds} s of the last fault`);
  }
  for (const [mode, summary] of Object.entries(report.modes)) {
    if (summary.notFinal > 0) {
      failures.push(`${mode}: ${summary.notFinal} orders not final`);
    }
    if (SAGA_MODES.includes(mode as OrderMode)) {
      if (summary.timeoutShare >= MAX_TIMEOUT_SHARE) {
        failures.push(
          `${mode}: ${(summary.timeoutShare * 100).toFixed(1)}% of in-flight orders cancelled with TIMEOUT`,
        );
      }
      const other = Object.entries(summary.unexpected).filter(([outcome]) => outcome !== 'CANCELLED TIMEOUT');
      if (other.length > 0) {
        failures.push(`${mode}: unexpected outcomes ${other.map(([outcome, n]) => `${outcome} × ${n}`).join(', ')}`);
      }
    }
  }
  return failures;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const listed = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key} ${value}`)
    .join(', ') || '-';

function formatExperience(experience: FaultExperience | undefined): string {
  if (!experience) {
    return '-';
  }
  const slowest =
    experience.maxSecondsToFinal === null ? 'not final' : `final ≤ ${experience.maxSecondsToFinal.toFixed(1)} s`;
  const unexpected = Object.keys(experience.unexpected).length > 0 ? `, ${listed(experience.unexpected)}` : '';
  return `${experience.placed} placed, ${experience.retried} resent, ${slowest}${unexpected}`;
}

/** The report as Markdown: orders per mode, outcomes, faults, time to final, the audit, the verdict. */
export function formatChaosReport(report: ChaosReport): string {
  const lines = [
    `# Chaos run, ${report.startedAt}`,
    '',
    `Settings: ${Object.entries(report.settings)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ')}.`,
    '',
    '| mode | placed | outcomes | not as planned | in flight during faults | cancelled TIMEOUT | share | not final |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(report.modes).map(
      ([mode, summary]) =>
        `| ${mode} | ${summary.placed} | ${listed(summary.outcomes)} | ${listed(summary.unexpected)} | ${summary.inFlightDuringFaults} | ${summary.cancelledWithTimeout} | ${percent(summary.timeoutShare)} | ${summary.notFinal} |`,
    ),
    '',
    'Orders first sent while each fault lasted: how many, how many had to be sent again, the slowest time to final state, outcomes not as planned.',
    '',
    '| fault | at | back after | choreography | orchestration | 2pc |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.faults
      .map((fault) =>
        [
          fault.name,
          `${fault.atSeconds.toFixed(1)} s`,
          `${fault.downSeconds.toFixed(1)} s`,
          ...MODES.map((mode) => formatExperience(fault.experience[mode])),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
    `Orders placed before the last fault ended were all final ${
      report.finalAfterLastFaultSeconds === null ? '(never)' : `${report.finalAfterLastFaultSeconds.toFixed(1)} s`
    } after it.`,
    `Orders that could not be placed: ${report.placementFailures.length}.`,
    ...report.placementFailures.slice(0, 10).map((entry) => `- #${entry.index} (${entry.mode}): ${entry.failure}`),
    '',
    '## Audit',
    '',
    '```',
    formatAuditReport(report.audit),
    '```',
    '',
    report.failures.length === 0 ? '**Passed.**' : `**Failed**: ${report.failures.join('; ')}.`,
  ];
  return lines.join('\n');
}
