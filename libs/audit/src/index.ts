export {
  AUDITED_SERVICES,
  type AuditedService,
  type AuditOptions,
  type AuditReport,
  type DeadLetter,
  type OrderCounts,
  type Violation,
  type ViolationKind,
  type ViolationSubject,
} from './lib/audit-report.js';
export { auditSystem } from './lib/audit-system.js';
export { formatAuditReport, formatViolation } from './lib/format-report.js';
