import type { StructuredLogger } from '@dtx/messaging';
import { contextFromHeaders, markFailed, SpanKind, startSpan, traceHeadersOf, type Span } from '@dtx/telemetry';
import { errorMessage, sleep } from '@dtx/util';
import type { Message, Producer } from 'kafkajs';
import pg from 'pg';
import { withPooledClient } from '@dtx/sql';

/** One pending outbox row as the relay reads it. */
export interface OutboxRecord {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string;
}

/** Sends records to Kafka, in the given order, and resolves once the brokers acknowledged them all. */
export type PublishRecords = (records: OutboxRecord[]) => Promise<void>;

export interface OutboxRelayOptions {
  /** The service's pool: each batch borrows one connection from it. */
  pool: pg.Pool;
  /** For the one connection of its own that the relay keeps: the one that LISTENs. */
  databaseUrl: string;
  notifyChannel: string;
  publish: PublishRecords;
  logger: StructuredLogger;
  batchSize?: number;
  /** The safety net when a notification is missed (default 1 s). */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted (default 24 h). */
  retentionMs?: number;
  /** After each published batch: how long each row waited between its commit and its publication, in seconds. */
  onPublished?: (lagSeconds: number[]) => void;
}

/** Only one relay drains a database at a time, so messages leave in sequence order. */
const RELAY_LOCK_KEY = 0x6f7574626f78; // "outbox"
const HOUSEKEEPING_INTERVAL_MS = 60_000;

/**
 * Publishes records through an idempotent producer with acks from all
 * in-sync replicas. Each record gets a producer span whose parent is the
 * trace context stored with the row (the business transaction that wrote
 * it, not the relay), and carries that span's context in its headers.
 */
export function publishWithProducer(producer: Producer): PublishRecords {
  return async (records) => {
    const byTopic = new Map<string, Message[]>();
    const spans: Span[] = [];
    for (const record of records) {
      const span = startSpan(`publish ${record.topic}`, {
        kind: SpanKind.PRODUCER,
        parent: contextFromHeaders(record.headers),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': record.topic,
          'messaging.message.id': record.headers['message-id'] ?? record.id,
          'messaging.kafka.message.key': record.key,
          'message.type': record.headers['message-type'] ?? '',
          'order.id': record.key,
        },
      });
      spans.push(span);
      const messages = byTopic.get(record.topic) ?? [];
      messages.push({ key: record.key, value: record.value, headers: { ...record.headers, ...traceHeadersOf(span) } });
      byTopic.set(record.topic, messages);
    }
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const span of spans) {
        markFailed(span, error);
      }
      throw error;
    } finally {
      for (const span of spans) {
        span.end();
      }
    }
  };
}

/**
 * Moves committed outbox rows to Kafka, at least once and in sequence order.
 *
 * Woken by LISTEN/NOTIFY as soon as a transaction with messages commits, and
 * by a poll as a safety net. Several relays may run against one database: a
 * transaction-scoped advisory lock lets one drain at a time (a per-key order
 * guarantee that SKIP LOCKED alone would not give), and rows are locked while
 * in flight. Rows are marked sent only after the brokers acknowledged them,
 * so a crash in between republishes them: a duplicate, never a loss.
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private listener: pg.Client | undefined;
  private running = false;
  private wakeRequested = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private lastHousekeeping = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pool = options.pool;
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight; rows not yet published stay for the next start. The pool is the caller's to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.closeListener();
  }

  /** Publishes every pending row now; returns how many were published. */
  async drain(): Promise<number> {
    let total = 0;
    const batchSize = this.options.batchSize ?? 200;
    for (;;) {
      const published = await this.publishBatch(batchSize);
      total += published;
      if (published < batchSize) {
        return total;
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.ensureListening();
      try {
        this.wakeRequested = false;
        await this.drain();
        await this.housekeeping();
      } catch (error) {
        this.options.logger.warn({ err: error }, `outbox relay: ${errorMessage(error)}; retrying`);
        await sleep(500);
      }
      await this.sleepUntilWoken();
    }
  }

  private publishBatch(batchSize: number): Promise<number> {
    // The connection may be ended by the server while we wait on Kafka, between two queries:
    // that must fail this batch (it is retried), not crash the process.
    return withPooledClient(this.pool, async (client) => {
      try {
        await client.query('BEGIN');
        const { rows: lock } = await client.query<{ acquired: boolean }>(
          'SELECT pg_try_advisory_xact_lock($1) AS acquired',
          [RELAY_LOCK_KEY],
        );
        if (!lock[0]?.acquired) {
          await client.query('COMMIT');
          return 0; // another relay is draining; it will publish these rows
        }
        const { rows } = await client.query<OutboxRecord & { lag_seconds: number }>(
          `SELECT id, topic, message_key AS key, headers, value, extract(epoch FROM clock_timestamp() - created_at)::float8 AS lag_seconds
             FROM outbox_messages
            WHERE published_at IS NULL
            ORDER BY sequence
            LIMIT $1
            FOR UPDATE SKIP LOCKED`,
          [batchSize],
        );
        if (rows.length > 0) {
          await this.options.publish(rows);
          await client.query('UPDATE outbox_messages SET published_at = now() WHERE id = ANY($1::uuid[])', [
            rows.map((row) => row.id),
          ]);
        }
        await client.query('COMMIT');
        if (rows.length > 0) {
          this.options.onPublished?.(rows.map((row) => row.lag_seconds));
        }
        return rows.length;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private async housekeeping(): Promise<void> {
    if (Date.now() - this.lastHousekeeping < HOUSEKEEPING_INTERVAL_MS) {
      return;
    }
    this.lastHousekeeping = Date.now();
    await this.purgePublished();
  }

  /** Rows waiting to be published, and how long the oldest has waited (seconds). */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const { rows } = await this.pool.query<{ pending: string; oldest: number | null }>(
      `SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest
         FROM outbox_messages WHERE published_at IS NULL`,
    );
    return { pending: Number(rows[0]?.pending ?? 0), oldestAgeSeconds: rows[0]?.oldest ?? 0 };
  }

  /** Deletes published rows older than the retention period; returns how many. */
  async purgePublished(): Promise<number> {
    const retentionMs = this.options.retentionMs ?? 24 * 60 * 60 * 1000;
    const result = await this.pool.query(
      `DELETE FROM outbox_messages WHERE published_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [retentionMs],
    );
    return result.rowCount ?? 0;
  }

  private async ensureListening(): Promise<void> {
    if (this.listener) {
      return;
    }
    const listener = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: 'outbox-relay-listen',
    });
    // Attached before connecting and never removed: a connection the server ends (a restart,
    // a dropped database) must not become an uncaught exception, even after the relay let go of it.
    listener.on('error', (error) => {
      if (this.listener === listener) {
        this.options.logger.warn({ err: error }, 'outbox relay lost its LISTEN connection; polling until it is back');
        void this.closeListener();
      }
    });
    try {
      await listener.connect();
      listener.on('notification', () => this.requestWake());
      await listener.query(`LISTEN "${this.options.notifyChannel.replaceAll('"', '')}"`);
      this.listener = listener;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay could not LISTEN; polling');
      await listener.end().catch(() => undefined);
    }
  }

  private async closeListener(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private requestWake(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  private async sleepUntilWoken(): Promise<void> {
    if (this.wakeRequested || !this.running) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 1_000);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}
