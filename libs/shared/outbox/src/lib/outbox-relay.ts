import type { StructuredLogger } from '@dtx/messaging';
import { closingSpans, contextFromHeaders, SpanKind, startSpan, traceHeadersOf, type Span } from '@dtx/telemetry';
import { errorMessage, sleep } from '@dtx/util';
import type { Message, Producer } from 'kafkajs';
import pg from 'pg';

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
  /** The service's pool, for the backlog gauge and the purge of sent rows (batches run on the relay's own connection). */
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
    await closingSpans(spans, () =>
      producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      }),
    );
  };
}

/**
 * Moves committed outbox rows to Kafka, at least once and in sequence order.
 *
 * Woken by LISTEN/NOTIFY as soon as a transaction with messages commits, and
 * by a poll as a safety net. Several relays may run against one database
 * (replicas): the one whose connection holds a session advisory lock is the
 * leader and alone publishes, so rows leave in sequence order (a per-key
 * guarantee that SKIP LOCKED alone would not give); the others try to take
 * the lock each time they wake. The leader does everything on that one
 * connection, two statements per batch (read the pending rows, mark them
 * sent) and no transaction: the lock already keeps every other relay out.
 * Rows are marked sent only after the brokers acknowledged them, so a crash
 * in between republishes them: a duplicate, never a loss. If the leader's
 * connection ends, the lock goes with it, and another relay takes over.
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private connection: pg.Client | undefined;
  private leading = false;
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
    await this.closeConnection();
  }

  /** Whether this relay holds the lock and publishes; the others wait to take over. */
  get isLeader(): boolean {
    return this.leading;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.wakeRequested = false;
        const connection = await this.ensureConnected();
        if (connection && (await this.lead(connection))) {
          await this.drain(connection);
          await this.housekeeping();
        }
      } catch (error) {
        // A lost connection is dropped by its 'error' or 'end' event; Kafka being down keeps the lead.
        this.options.logger.warn({ err: error }, `outbox relay: ${errorMessage(error)}; retrying`);
        await sleep(500);
      }
      await this.sleepUntilWoken();
    }
  }

  private async lead(connection: pg.Client): Promise<boolean> {
    if (!this.leading) {
      const { rows } = await connection.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1) AS acquired', [
        RELAY_LOCK_KEY,
      ]);
      this.leading = rows[0]?.acquired === true;
    }
    return this.leading;
  }

  private async drain(connection: pg.Client): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    while ((await this.publishBatch(connection, batchSize)) === batchSize && this.running) {
      // a full batch: more may be waiting
    }
  }

  private async publishBatch(connection: pg.Client, batchSize: number): Promise<number> {
    const { rows } = await connection.query<OutboxRecord & { lag_seconds: number }>({
      name: 'outbox-pending',
      text: `SELECT id, topic, message_key AS key, headers, value, extract(epoch FROM clock_timestamp() - created_at)::float8 AS lag_seconds
               FROM outbox_messages
              WHERE published_at IS NULL
              ORDER BY sequence
              LIMIT $1`,
      values: [batchSize],
    });
    if (rows.length === 0) {
      return 0;
    }
    await this.options.publish(rows);
    await connection.query({
      name: 'outbox-mark-sent',
      text: 'UPDATE outbox_messages SET published_at = now() WHERE id = ANY($1::uuid[])',
      values: [rows.map((row) => row.id)],
    });
    this.options.onPublished?.(rows.map((row) => row.lag_seconds));
    return rows.length;
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

  /** The relay's own connection, listening for notifications; undefined (polling) while it cannot connect. */
  private async ensureConnected(): Promise<pg.Client | undefined> {
    if (this.connection) {
      return this.connection;
    }
    const connection = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: 'outbox-relay',
    });
    // Attached before connecting and never removed: a connection the server ends (a restart,
    // a dropped database) must not become an uncaught exception, even after the relay let go of it.
    connection.on('error', (error) => {
      if (this.connection === connection) {
        this.options.logger.warn({ err: error }, 'outbox relay lost its connection (and the lead); reconnecting');
        void this.closeConnection();
      }
    });
    connection.on('end', () => {
      if (this.connection === connection) {
        void this.closeConnection();
      }
    });
    try {
      await connection.connect();
      connection.on('notification', () => this.requestWake());
      await connection.query(`LISTEN "${this.options.notifyChannel.replaceAll('"', '')}"`);
      this.connection = connection;
      return connection;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay could not connect; retrying');
      await connection.end().catch(() => undefined);
      return undefined;
    }
  }

  private async closeConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.leading = false;
    await connection?.end().catch(() => undefined);
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
