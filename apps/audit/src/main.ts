import { parseArgs } from 'node:util';
import { AUDITED_SERVICES, auditSystem, formatAuditReport, type AuditedService } from '@dtx/audit';
import { kafkaSecurityFromEnvironment } from '@dtx/config';
import { errorMessage } from '@dtx/util';

const usage = `usage: npm run audit -- [--wait <seconds>] [--json] [--brokers host:port,...] [--prefix <topic prefix>]
                      [--order-db <url>] [--inventory-db <url>] [--payment-db <url>] [--orchestrator-db <url>] [--coordinator-db <url>]

Checks every order, SKU, account, database and dead letter of the system
against its invariants, waiting up to --wait seconds (default 60) for the
system to settle. Prints one line per violation and a summary (--json: the
report as JSON). Exit code 0 without violations, 1 with, 2 if it cannot run.
Database URLs default to <SERVICE>_DATABASE_URL. Signs in to Kafka with
KAFKA_SASL_MECHANISM, KAFKA_USERNAME and KAFKA_PASSWORD or KAFKA_PASSWORD_FILE
(npm run audit uses the local broker's read-only inspector user).`;

const databaseOptions = Object.fromEntries(
  AUDITED_SERVICES.map((service) => [
    `${service}-db`,
    { type: 'string', default: process.env[`${service.toUpperCase()}_DATABASE_URL`] ?? '' },
  ]),
) as Record<`${AuditedService}-db`, { type: 'string'; default: string }>;

let values;
try {
  ({ values } = parseArgs({
    options: {
      wait: { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
      brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092' },
      prefix: { type: 'string', default: process.env['KAFKA_TOPIC_PREFIX'] ?? '' },
      help: { type: 'boolean', default: false },
      ...databaseOptions,
    },
  }));
} catch (error) {
  console.error(`${errorMessage(error)}\n\n${usage}`);
  process.exit(2);
}
const waitSeconds = Number(values.wait);
const databaseUrls: Record<AuditedService, string> = {
  order: values['order-db'],
  inventory: values['inventory-db'],
  payment: values['payment-db'],
  orchestrator: values['orchestrator-db'],
  coordinator: values['coordinator-db'],
};
const missing = AUDITED_SERVICES.filter((service) => !databaseUrls[service]);
if (values.help || !Number.isFinite(waitSeconds) || waitSeconds < 0 || missing.length > 0) {
  if (missing.length > 0 && !values.help) {
    console.error(`no database URL for: ${missing.join(', ')}`);
  }
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

let lastNotice = 0;
try {
  const report = await auditSystem({
    databaseUrls,
    kafkaBrokers: values.brokers.split(','),
    kafkaSecurity: kafkaSecurityFromEnvironment(),
    topicPrefix: values.prefix,
    waitSeconds,
    onWaiting: (violations, remainingMs) => {
      // On stderr, every 10 s at most, so that stdout stays the report alone.
      if (Date.now() - lastNotice >= 10_000) {
        lastNotice = Date.now();
        console.error(
          `audit: ${violations.length} violation(s) so far; re-checking for up to ${Math.ceil(remainingMs / 1_000)} s`,
        );
      }
    },
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatAuditReport(report));
  process.exitCode = report.violations.length > 0 ? 1 : 0;
} catch (error) {
  console.error(`audit: could not run: ${errorMessage(error)}`);
  process.exitCode = 2;
}
