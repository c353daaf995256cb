import pg from 'pg';
import { errorMessage, sleep } from '@dtx/util';

export interface FinalState {
  status: 'CONFIRMED' | 'CANCELLED';
  reason: string | null;
  /** When the order's deciding transaction set its status: `orders.updated_at`, epoch ms. */
  finalAt: number;
}

type OnFinal = (state: FinalState) => void;

/**
 * Learns when accepted saga orders become final by polling the order service's
 * own database for the orders still pending, by primary key. The time of the
 * decision is the row's `updated_at` (set to now() by the transaction that
 * confirmed or cancelled it, the same one that wrote its event or reply), so
 * the poll interval only delays when the benchmark learns of it, never the
 * latency it records. Works the same for choreography and orchestration.
 */
export class FinalStateTracker {
  private readonly pending = new Map<string, OnFinal>();
  private readonly client: pg.Client;
  private running = false;
  private loop: Promise<void> | undefined;
  private queries = 0;
  private lastError: string | undefined;

  constructor(
    databaseUrl: string,
    private readonly options: { pollIntervalMs: number; batchSize: number },
  ) {
    this.client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-final-state' });
    this.client.on('error', (error) => (this.lastError = errorMessage(error)));
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.running = true;
    this.loop = this.pollUntilStopped();
  }

  /** Calls `onFinal` once, when the order is CONFIRMED or CANCELLED. */
  track(orderId: string, onFinal: OnFinal): void {
    this.pending.set(orderId, onFinal);
  }

  /** Forgets orders still pending (after a drain timed out), so they cost no more queries. */
  forgetAll(): number {
    const forgotten = this.pending.size;
    this.pending.clear();
    return forgotten;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** How many queries (each one transaction in the order database) the tracker has run. */
  get queryCount(): number {
    return this.queries;
  }

  /** Resolves true once nothing is pending, false when the timeout passes first. */
  async waitUntilNonePending(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0) {
      if (performance.now() > deadline) {
        return false;
      }
      await sleep(Math.min(50, this.options.pollIntervalMs));
    }
    return true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client.end().catch(() => undefined);
  }

  private async pollUntilStopped(): Promise<void> {
    while (this.running) {
      const startedAt = performance.now();
      if (this.pending.size > 0) {
        await this.pollOnce().catch((error: unknown) => (this.lastError = errorMessage(error)));
      }
      // Never more than half of the time busy querying, however many are pending.
      const took = performance.now() - startedAt;
      await sleep(Math.max(this.options.pollIntervalMs - took, took));
    }
  }

  private async pollOnce(): Promise<void> {
    const ids: string[] = [];
    for (const id of this.pending.keys()) {
      ids.push(id);
      if (ids.length >= this.options.batchSize) {
        break;
      }
    }
    this.queries++;
    const result = await this.client.query<{
      id: string;
      status: 'CONFIRMED' | 'CANCELLED';
      reason: string | null;
      final_ms: number;
    }>(
      `SELECT id::text AS id, status, reason, (extract(epoch FROM updated_at) * 1000)::float8 AS final_ms
         FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'PENDING'`,
      [ids],
    );
    for (const row of result.rows) {
      const onFinal = this.pending.get(row.id);
      this.pending.delete(row.id);
      onFinal?.({ status: row.status, reason: row.reason, finalAt: row.final_ms });
    }
    // Round robin: the ones still pending go to the back, so a stuck order never hides the rest.
    for (const id of ids) {
      const onFinal = this.pending.get(id);
      if (onFinal) {
        this.pending.delete(id);
        this.pending.set(id, onFinal);
      }
    }
  }

  /** The last error of the polling connection, if any (reported, never thrown into the load). */
  get error(): string | undefined {
    return this.lastError;
  }
}
