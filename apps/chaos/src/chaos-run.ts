import { auditSystem } from '@dtx/audit';
import { localIssuer } from '@dtx/auth';
import { issuedCredentials, ShopClient, type ShopCredentials } from '@dtx/shop-client';
import { SERVICE_NAMES, startSystem, type RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';
import pg from 'pg';
import {
  experienceOf,
  failuresOf,
  finalAfterLastFault,
  summarise,
  type ChaosReport,
  type OrderRecord,
} from './chaos-report.js';
import { FailoverPlacer, type Placement } from './failover-placer.js';
import { chaosFaults, requireLocalInfrastructure, runFaults } from './faults.js';
import { catalog, planOrder } from './order-plan.js';

export interface ChaosSettings {
  /** How long orders are placed, at a steady rate. */
  placeSeconds: number;
  ordersPerSecond: number;
  /** How long each killed process (or the broker, or PostgreSQL) stays down before it is started again. */
  downSeconds: number;
  /** Every order placed before the last fault ended must be final this long after it. */
  finalWithinSeconds: number;
}

/** About ten minutes: a fault a minute, each down for 20 s. */
export const FULL_RUN: ChaosSettings = {
  placeSeconds: 540,
  ordersPerSecond: 6,
  downSeconds: 20,
  finalWithinSeconds: 60,
};
/** About a minute and a half, every fault once, for CI. */
export const SMOKE_RUN: ChaosSettings = {
  placeSeconds: 45,
  ordersPerSecond: 4,
  downSeconds: 2,
  finalWithinSeconds: 60,
};

/** Two replicas of every service that can have them; the coordinator is one process (README, "Replicas"). */
const REPLICAS = { order: 2, inventory: 2, payment: 2, orchestrator: 2 } as const;

/**
 * The chaos run: a fresh system with two replicas of inventory, payment,
 * order and the orchestrator, orders in all three modes at a steady rate,
 * and meanwhile one fault after another; then every order's final state,
 * the audit of every database and the report.
 */
export async function runChaos(settings: ChaosSettings, log: (line: string) => void): Promise<ChaosReport> {
  await requireLocalInfrastructure();
  const startedAt = new Date();
  log(`starting the services (replicas: ${JSON.stringify(REPLICAS)}) on fresh databases`);
  const system = await startSystem([...SERVICE_NAMES], {
    replicas: REPLICAS,
    environment: { LOG_LEVEL: 'warn', ENABLE_FAULT_INJECTION: 'false' },
  });
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the services and dropping their databases`);
    void system.shutdown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const credentials = issuedCredentials(await localIssuer());
    await seed(system, credentials);
    const placer = new FailoverPlacer(system.urls('order'), {
      deadlineMs: 120_000,
      requestTimeoutMs: 15_000,
      credentials,
    });
    const count = Math.round(settings.placeSeconds * settings.ordersPerSecond);
    const begin = Date.now();
    log(`placing ${count} orders over ${settings.placeSeconds} s`);
    const faultsDone = runFaults(
      chaosFaults(system),
      {
        firstAt: begin + settings.placeSeconds * 100,
        spacingMs: (settings.placeSeconds * 750) / 7,
        downMs: settings.downSeconds * 1000,
      },
      log,
    );
    const placements = await placeSteadily(placer, count, settings.ordersPerSecond, begin);
    const faults = await faultsDone;
    log('waiting for every order to be final');
    const orders = await waitUntilFinal(system, faults.at(-1)?.endedAt ?? Date.now(), settings.finalWithinSeconds * 2);
    log('auditing every database and dead-letter topic');
    const audit = await auditSystem({
      databaseUrls: Object.fromEntries(
        SERVICE_NAMES.map((service) => [service, system.databaseUrl(service)]),
      ) as Record<(typeof SERVICE_NAMES)[number], string>,
      kafkaBrokers: system.brokers,
      kafkaSecurity: system.kafkaSecurity,
      topicPrefix: system.topicPrefix,
      waitSeconds: 30,
    });
    const report: Omit<ChaosReport, 'failures'> = {
      startedAt: startedAt.toISOString(),
      settings: { ...settings },
      modes: summarise(placements, orders, faults),
      placementFailures: placements
        .filter((placement) => !placement.orderId)
        .map((placement) => ({
          index: placement.order.index,
          mode: placement.order.mode,
          failure: placement.failure ?? '',
        })),
      faults: faults.map((fault) => ({
        name: fault.name,
        atSeconds: (fault.startedAt - begin) / 1000,
        downSeconds: (fault.endedAt - fault.startedAt) / 1000,
        experience: experienceOf(fault, placements, orders),
      })),
      finalAfterLastFaultSeconds: finalAfterLastFault(orders.values(), faults),
      audit,
    };
    return { ...report, failures: failuresOf(report, settings.finalWithinSeconds) };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    log('stopping the services and dropping their databases');
    await system.shutdown();
  }
}

async function seed(system: RunningSystem, credentials: ShopCredentials): Promise<void> {
  const shop = new ShopClient(
    { order: system.url('order'), inventory: system.url('inventory'), payment: system.url('payment') },
    { credentials },
  );
  await Promise.all([
    ...[...catalog.skus, catalog.soldOutSku].map((sku) => shop.setPrice(sku, catalog.unitPrice)),
    ...catalog.skus.map((sku) => shop.setStock(sku, catalog.stockPerSku)),
    shop.setStock(catalog.soldOutSku, 0),
    ...catalog.customers.map((customer) => shop.setBalance(customer, catalog.balance)),
    shop.setBalance(catalog.poorCustomer, 0),
  ]);
}

/** Order `index` at `begin + index / rate`, whether or not the ones before were accepted (an open loop). */
async function placeSteadily(placer: FailoverPlacer, count: number, rate: number, begin: number): Promise<Placement[]> {
  const placements: Promise<Placement>[] = [];
  for (let index = 0; index < count; index++) {
    await sleep(Math.max(0, begin + (index * 1000) / rate - Date.now()));
    placements.push(placer.place(planOrder(index)));
  }
  return Promise.all(placements);
}

/** Reads every order until none is pending, or `boundSeconds` after the last fault; returns them by id. */
async function waitUntilFinal(
  system: RunningSystem,
  lastFaultEnd: number,
  boundSeconds: number,
): Promise<Map<string, OrderRecord>> {
  const deadline = Math.max(lastFaultEnd, Date.now()) + boundSeconds * 1000;
  for (;;) {
    const orders = await readOrders(system.databaseUrl('order')).catch((error: unknown) => {
      if (Date.now() > deadline) {
        throw error;
      }
      return undefined;
    });
    const pending = orders ? [...orders.values()].filter((order) => order.finalAt === null).length : Infinity;
    if (orders && (pending === 0 || Date.now() > deadline)) {
      return orders;
    }
    await sleep(500);
  }
}

async function readOrders(databaseUrl: string): Promise<Map<string, OrderRecord>> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'chaos' });
  await client.connect();
  try {
    const { rows } = await client.query<{
      id: string;
      mode: OrderRecord['mode'];
      status: string;
      reason: string | null;
      created_at: Date;
      updated_at: Date;
    }>('SELECT id, mode, status, reason, created_at, updated_at FROM orders');
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          mode: row.mode,
          status: row.status,
          reason: row.reason,
          createdAt: row.created_at.getTime(),
          finalAt: row.status === 'CONFIRMED' || row.status === 'CANCELLED' ? row.updated_at.getTime() : null,
        },
      ]),
    );
  } finally {
    await client.end();
  }
}
