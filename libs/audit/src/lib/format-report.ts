import type { AuditReport, OrderCounts, Violation } from './audit-report.js';

/** One line per violation: what is wrong, about what, and the figures. */
export function formatViolation(violation: Violation): string {
  return `${violation.kind} ${violation.subject} ${violation.id}: ${violation.detail}`;
}

/** The report as text: a line per violation, then one summary line. */
export function formatAuditReport(report: AuditReport): string {
  const accounted = report.deadLetters.filter((letter) => letter.accountedFor).length;
  const summary =
    `audit: ${report.orders.total} orders${formatCounts(report.orders.byMode)}, ` +
    `${report.deadLetters.length} dead letters (${accounted} accounted for), ` +
    `${report.violations.length} violation${report.violations.length === 1 ? '' : 's'}`;
  return [...report.violations.map(formatViolation), summary].join('\n');
}

function formatCounts(byMode: OrderCounts): string {
  const modes = Object.entries(byMode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([mode, byStatus]) =>
        `${mode}: ${Object.entries(byStatus)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, count]) => `${count} ${status}`)
          .join(', ')}`,
    );
  return modes.length > 0 ? ` (${modes.join('; ')})` : '';
}
