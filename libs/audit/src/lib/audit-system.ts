import { setTimeout as sleep } from 'node:timers/promises';
import { createSqlPool, PgExecutor, type SqlExecutor } from '@dtx/sql';
import {
  AUDITED_SERVICES,
  type AuditedService,
  type AuditOptions,
  type AuditReport,
  type Violation,
} from './audit-report.js';
import { checkDatabaseHygiene } from './database-hygiene.js';
import { accountForDeadLetters, readDeadLetters } from './dead-letters.js';
import { checkOrdersFinal, countOrders, loadOrders, type AuditedOrder } from './orders.js';
import { checkAccounts, checkOrderPayments } from './payments.js';
import { checkSagas } from './sagas.js';
import { checkOrderReservations, checkStockLevels } from './stock.js';
import { checkTwoPhaseTransactions } from './two-phase.js';

const DEFAULT_WAIT_SECONDS = 60;
const RECHECK_INTERVAL_MS = 1_000;

type Databases = Record<AuditedService, SqlExecutor>;

function perService<Value>(make: (service: AuditedService) => Value): Record<AuditedService, Value> {
  return {
    order: make('order'),
    inventory: make('inventory'),
    payment: make('payment'),
    orchestrator: make('orchestrator'),
    coordinator: make('coordinator'),
  };
}

/**
 * Audits the whole system: re-runs every database check once a second until
 * none fails or `waitSeconds` have passed (so that orders in flight, outbox
 * backlogs and consumers catch up), then reads the dead letters and accounts
 * for each against the final state.
 */
export async function auditSystem(options: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const deadline = startedAt.getTime() + (options.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1_000;
  const pools = perService((service) =>
    createSqlPool({ databaseUrl: options.databaseUrls[service], applicationName: 'audit', size: 2 }),
  );
  const databases = perService((service): SqlExecutor => new PgExecutor(pools[service]));
  try {
    let pass = await checkDatabases(databases);
    while (pass.violations.length > 0 && Date.now() < deadline) {
      options.onWaiting?.(pass.violations, deadline - Date.now());
      await sleep(Math.min(RECHECK_INTERVAL_MS, deadline - Date.now()));
      pass = await checkDatabases(databases);
    }
    const letters = await readDeadLetters(options.kafkaBrokers, options.topicPrefix ?? '', options.kafkaSecurity);
    const accounted = accountForDeadLetters(letters, pass.orders, pass.violations);
    return {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settled: pass.violations.length === 0,
      orders: { total: pass.orders.size, byMode: countOrders(pass.orders.values()) },
      deadLetters: accounted.deadLetters,
      violations: [...pass.violations, ...accounted.violations],
    };
  } finally {
    await Promise.all(AUDITED_SERVICES.map((service) => pools[service].end()));
  }
}

/** One pass of every check that reads the databases. */
async function checkDatabases(
  databases: Databases,
): Promise<{ orders: Map<string, AuditedOrder>; violations: Violation[] }> {
  const orders = await loadOrders(databases.order);
  const found = await Promise.all([
    checkOrderPayments(databases.payment, orders),
    checkAccounts(databases.payment),
    checkOrderReservations(databases.inventory, orders),
    checkStockLevels(databases.inventory),
    checkSagas(databases.orchestrator, orders),
    checkTwoPhaseTransactions(databases.coordinator, orders),
    ...AUDITED_SERVICES.map((service) => checkDatabaseHygiene(databases[service])),
  ]);
  return { orders, violations: [...checkOrdersFinal(orders), ...found.flat()] };
}
