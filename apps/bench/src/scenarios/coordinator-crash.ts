import { ShopApiError } from '@dtx/shop-client';
import type { RunningSystem } from '@dtx/testing';
import { errorMessage, sleep } from '@dtx/util';
import { summarizeLatencies } from '../latency-summary.js';
import { runLoad, type ModeContext, type OrderRecord } from '../load-run.js';
import type { PostgresObserver } from '../postgres-observer.js';
import { progress } from '../progress.js';
import type { CoordinatorCrashResult, Outcome } from '../results.js';
import { seededRandom } from '../seeded-random.js';
import { countBy, finalLatency } from '../step-summary.js';
import { mixedOrders, type Catalog } from '../workload.js';

interface HeldTransaction {
  preparedAt: number;
  lastSeenAt: number;
  /** First poll that no longer saw it: committed or rolled back by then. */
  goneAt: number | null;
}

/** Polls pg_prepared_xacts of the run's databases: every prepared transaction, when it was prepared and when it went. */
class PreparedTransactionWatch {
  readonly held = new Map<string, HeldTransaction>();
  private running = true;
  private readonly loop: Promise<void>;
  error: string | undefined;

  constructor(
    private readonly observer: PostgresObserver,
    private readonly pollMs: number,
  ) {
    this.loop = this.poll();
  }

  get stillHeld(): number {
    return [...this.held.values()].filter((transaction) => transaction.goneAt === null).length;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        const now = Date.now();
        const seen = new Set<string>();
        for (const prepared of await this.observer.preparedTransactions()) {
          const key = `${prepared.database}/${prepared.gid}`;
          seen.add(key);
          const known = this.held.get(key);
          if (known) {
            known.lastSeenAt = now;
          } else {
            this.held.set(key, { preparedAt: prepared.preparedAt, lastSeenAt: now, goneAt: null });
          }
        }
        for (const [key, transaction] of this.held) {
          if (transaction.goneAt === null && !seen.has(key)) {
            transaction.goneAt = now;
          }
        }
      } catch (error) {
        this.error = errorMessage(error);
      }
      await sleep(this.pollMs);
    }
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * 2PC only: arms the coordinator to SIGKILL itself right after every
 * participant voted yes and before it logs a decision, keeps orders coming,
 * restarts it after the outage, and measures how long the prepared
 * transactions held their locks and how many orders were blocked.
 */
export async function measureCoordinatorCrash(
  context: ModeContext,
  system: RunningSystem,
  observer: PostgresObserver,
  catalog: Catalog,
  rate: number,
): Promise<Outcome<CoordinatorCrashResult>> {
  const { config } = context;
  const watch = new PreparedTransactionWatch(observer, config.preparedPollMs);
  let stopLoad = false;
  const boundMs = (config.crashLeadSeconds + config.outageSeconds + config.crashTrailSeconds + 60) * 1000;
  const planner = mixedOrders(catalog, seededRandom(`${config.seed}:coordinator-crash`), { declineShare: 0 });
  const load = runLoad(context, {
    label: 'coordinator-crash',
    rate,
    durationMs: boundMs,
    planner,
    stopWhen: () => stopLoad,
  });
  try {
    await sleep(config.crashLeadSeconds * 1000);
    const pid = system.process('coordinator').pid;
    const armedAt = Date.now();
    try {
      await context.api.armCrashPoint({ point: 'after-prepare' });
    } catch (error) {
      if (error instanceof ShopApiError) {
        return {
          status: 'skipped',
          reason: `PUT /admin/crash-point answered ${error.status}: ${JSON.stringify(error.body)}`,
        };
      }
      throw error;
    }
    progress(`2pc coordinator-crash: crash point armed, waiting for the coordinator (pid ${pid}) to kill itself`);
    const deadline = armedAt + 15_000;
    while (isAlive(pid) && Date.now() < deadline) {
      await sleep(20);
    }
    if (isAlive(pid)) {
      return { status: 'failed', error: 'the coordinator did not crash within 15 s of arming the crash point' };
    }
    const crashedAt = Date.now();
    progress(
      `2pc coordinator-crash: coordinator gone ${crashedAt - armedAt} ms after arming; restarting it in ${config.outageSeconds}s`,
    );
    await sleep(config.outageSeconds * 1000);
    const restartStartedAt = Date.now();
    await system.restart('coordinator');
    const restartedAt = Date.now();
    progress(`2pc coordinator-crash: coordinator answers again after ${restartedAt - restartStartedAt} ms`);
    await sleep(config.crashTrailSeconds * 1000);
    stopLoad = true;
    const run = await load;
    // Give the restarted coordinator time to resolve what it left in doubt, bounded.
    const resolveDeadline = Date.now() + config.drainTimeoutMs;
    while (watch.stillHeld > 0 && Date.now() < resolveDeadline) {
      await sleep(config.preparedPollMs);
    }
    await sleep(2 * config.preparedPollMs);
    return {
      status: 'measured',
      ...summarizeCrash(run.records, watch, {
        rate,
        outageSeconds: config.outageSeconds,
        armedAt,
        crashedAt,
        restartStartedAt,
        restartedAt,
        passP99Ms: config.passP99Ms,
        pollMs: config.preparedPollMs,
      }),
    };
  } finally {
    stopLoad = true;
    await load.catch(() => undefined);
    await watch.stop();
  }
}

function summarizeCrash(
  records: OrderRecord[],
  watch: PreparedTransactionWatch,
  times: {
    rate: number;
    outageSeconds: number;
    armedAt: number;
    crashedAt: number;
    restartStartedAt: number;
    restartedAt: number;
    passP99Ms: number;
    pollMs: number;
  },
): CoordinatorCrashResult {
  const transactions = [...watch.held.values()];
  const heldMs = (transaction: HeldTransaction) =>
    (transaction.goneAt ?? transaction.lastSeenAt) - transaction.preparedAt;
  const inDoubt = transactions.filter(
    (transaction) => transaction.lastSeenAt >= times.crashedAt && transaction.preparedAt <= times.restartedAt,
  );
  const resolvedTimes = inDoubt.map((transaction) => transaction.goneAt);
  const inFlightAtCrash = records.filter(
    (order) => order.scheduledAt < times.crashedAt && (order.answeredAt === null || order.answeredAt > times.crashedAt),
  );
  const sentDuringOutage = records.filter(
    (order) => order.scheduledAt >= times.crashedAt && order.scheduledAt < times.restartedAt,
  );
  const blocked = [...inFlightAtCrash, ...sentDuringOutage];
  const blockedFailed = blocked.filter((order) => order.error !== null || order.finalStatus === null);
  const blockedFinishedLate = blocked.filter(
    (order) => order.error === null && (finalLatency(order) ?? 0) >= times.passP99Ms && order.finalStatus !== null,
  );
  const final = records.filter((order) => order.error === null && order.finalStatus !== null);
  const cancelled = final.filter((order) => order.finalStatus === 'CANCELLED');
  const errored = records.filter((order) => order.error !== null);
  return {
    offeredRate: times.rate,
    outageSeconds: times.outageSeconds,
    crashAfterArmMs: times.crashedAt - times.armedAt,
    restartMs: times.restartedAt - times.restartStartedAt,
    downMs: times.restartedAt - times.crashedAt,
    preparedTransactions: {
      seen: transactions.length,
      pollMs: times.pollMs,
      maxHeldMs: transactions.length === 0 ? null : Math.round(Math.max(...transactions.map(heldMs))),
      heldLongerThanOneSecond: transactions.filter((transaction) => heldMs(transaction) > 1000).length,
      inDoubt: inDoubt.length,
      inDoubtResolvedAfterRestartMs:
        inDoubt.length === 0 || resolvedTimes.some((goneAt) => goneAt === null)
          ? null
          : Math.round(Math.max(...resolvedTimes.map((goneAt) => goneAt ?? 0)) - times.restartedAt),
    },
    orders: {
      sent: records.length,
      inFlightAtCrash: inFlightAtCrash.length,
      sentDuringOutage: sentDuringOutage.length,
      blockedFailed: blockedFailed.length,
      blockedFinishedLate: blockedFinishedLate.length,
      blockedFinishedInTime: blocked.length - blockedFailed.length - blockedFinishedLate.length,
      errorKinds: countBy(errored.map((order) => order.error ?? '')),
      confirmed: final.length - cancelled.length,
      cancelled: cancelled.length,
      cancelReasons: countBy(cancelled.map((order) => order.reason ?? 'unknown')),
    },
    latencyMs: summarizeLatencies(final.map(finalLatency).filter((value): value is number => value !== null)),
  };
}
