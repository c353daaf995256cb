import type { StructuredLogger } from '@dtx/messaging';
import { closingSpans, contextFromHeaders, SpanKind, startSpan, traceHeadersOf, type Span } from '@dtx/telemetry';
import { errorMessage, sleep } from '@dtx/util';
import type { Message, Producer } from 'kafkajs';
import pg from 'pg';
import { parseAnnouncement, RecentIds, type AnnouncedRecord } from './announcement.js';

/** One pending outbox row as the relay reads it. */
export interface OutboxRecord {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string;
}

/** Where the relay read the rows it published: the notifications announcing them, or the table. */
export type PublishedFrom = 'announcement' | 'table';

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
  /** How often the table is read anyway, the safety net, and followers try to take the lead (default 1 s). */
  pollIntervalMs?: number;
  /** How long published rows may wait to be marked sent (default 200 ms); a crash republishes at most these. */
  markIntervalMs?: number;
  /**
   * How long an announced row may wait for others to leave with it in one request (default 0).
   * Fewer, larger publications also reach consumers as larger batches; each row waits at most this.
   */
  lingerMs?: number;
  /** Published rows older than this are deleted (default 24 h). */
  retentionMs?: number;
  /** After each published batch: how long each row waited between its write and its publication, in seconds, and where the relay read the rows. */
  onPublished?: (lagSeconds: number[], from: PublishedFrom) => void;
}

/** Only one relay drains a database at a time, so messages leave in sequence order. */
const RELAY_LOCK_KEY = 0x6f7574626f78; // "outbox"
const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** Far more than the rows that can be published from the table while their announcements are on their way. */
const RECENT_IDS_KEPT = 10_000;

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
 * Moves committed outbox rows to Kafka, at least once and in commit order.
 *
 * Every row is announced by a notification that carries it (see `Outbox`),
 * delivered when its transaction commits, so the relay publishes it straight
 * from the notification, without reading the table. It reads the table only
 * when it cannot trust what it was told: on taking the lead, after a
 * notification too long to carry its row, after a failed publication, and
 * on a poll, the safety net. Published rows are marked sent in one statement
 * every `markIntervalMs` rather than per batch; before a table read, so that
 * it finds only rows not yet published.
 *
 * Several relays may run against one database (replicas): the one whose
 * connection holds a session advisory lock is the leader and alone
 * publishes, so rows leave in order (a per-key guarantee that SKIP LOCKED
 * alone would not give); the others try to take the lock on each poll. If the
 * leader's connection ends, the lock goes with it, and another relay takes
 * over. Rows are marked sent only after the brokers acknowledged them, so a
 * crash in between republishes them: a duplicate, never a loss.
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
  /** Rows announced since the last publication, in commit order. */
  private announced: (AnnouncedRecord & { receivedAt: number })[] = [];
  private tableReadDue = true;
  private nextPollAt = 0;
  /** Published and not yet marked sent. */
  private unmarked: string[] = [];
  /** When the oldest of them was published. */
  private unmarkedSince = 0;
  /** Published from the table: their announcements, still on their way, are skipped. */
  private readonly publishedFromTable = new RecentIds(RECENT_IDS_KEPT);

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

  /** Stops after the batch in flight and marks what it published; rows not yet published stay for the next start. The pool is the caller's to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.connection && this.leading) {
      await this.markSent(this.connection).catch((error: unknown) => {
        this.options.logger.warn(
          { err: error },
          `outbox relay could not mark its last rows sent: ${errorMessage(error)}`,
        );
      });
    }
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
        if (Date.now() >= this.nextPollAt) {
          this.nextPollAt = Date.now() + this.pollIntervalMs;
          this.tableReadDue = true;
        }
        const connection = await this.ensureConnected();
        if (connection && (await this.lead(connection))) {
          await this.publishPending(connection);
          await this.housekeeping();
        }
      } catch (error) {
        // A lost connection is dropped by its 'error' or 'end' event; Kafka being down keeps the lead.
        this.options.logger.warn({ err: error }, `outbox relay: ${errorMessage(error)}; retrying`);
        this.tableReadDue = true;
        await sleep(500);
      }
      await this.sleepUntilWoken();
    }
  }

  private get pollIntervalMs(): number {
    return this.options.pollIntervalMs ?? 1_000;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  private async lead(connection: pg.Client): Promise<boolean> {
    if (!this.leading) {
      const { rows } = await connection.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1) AS acquired', [
        RELAY_LOCK_KEY,
      ]);
      this.leading = rows[0]?.acquired === true;
      // What was announced before the lead was taken was not kept: the table has it.
      this.tableReadDue ||= this.leading;
    }
    return this.leading;
  }

  private async publishPending(connection: pg.Client): Promise<void> {
    if (this.tableReadDue) {
      this.tableReadDue = false;
      await this.markSent(connection);
      await this.drainTable(connection);
    }
    await this.lingerForMore();
    while (this.announced.length > 0 && this.running) {
      const batch = this.announced.splice(0, this.batchSize).filter((row) => !this.publishedFromTable.has(row.id));
      const now = Date.now() / 1000;
      await this.publish(
        batch,
        batch.map((row) => now - row.createdAtSeconds),
        'announcement',
      );
    }
    if (this.unmarked.length >= this.batchSize || this.msUntilMarkDue() <= 0) {
      await this.markSent(connection);
    }
  }

  /** Waits until the oldest announced row has waited `lingerMs`, so that rows announced meanwhile leave with it. */
  private async lingerForMore(): Promise<void> {
    const oldest = this.announced[0];
    const lingerMs = this.options.lingerMs ?? 0;
    if (oldest && lingerMs > 0) {
      const remainingMs = oldest.receivedAt + lingerMs - Date.now();
      if (remainingMs > 0) {
        await sleep(remainingMs);
      }
    }
  }

  private get markIntervalMs(): number {
    return this.options.markIntervalMs ?? 200;
  }

  private async drainTable(connection: pg.Client): Promise<void> {
    for (;;) {
      const { rows } = await connection.query<OutboxRecord & { lag_seconds: number }>({
        name: 'outbox-pending',
        text: `SELECT id, topic, message_key AS key, headers, value, extract(epoch FROM clock_timestamp() - created_at)::float8 AS lag_seconds
                 FROM outbox_messages
                WHERE published_at IS NULL
                ORDER BY sequence
                LIMIT $1`,
        values: [this.batchSize],
      });
      if (rows.length === 0) {
        return;
      }
      await this.publish(
        rows,
        rows.map((row) => row.lag_seconds),
        'table',
      );
      for (const row of rows) {
        this.publishedFromTable.add(row.id);
      }
      await this.markSent(connection);
      if (rows.length < this.batchSize || !this.running) {
        return;
      }
    }
  }

  private async publish(rows: OutboxRecord[], lagSeconds: number[], from: PublishedFrom): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await this.options.publish(rows);
    if (this.unmarked.length === 0) {
      this.unmarkedSince = Date.now();
    }
    for (const row of rows) {
      this.unmarked.push(row.id);
    }
    this.options.onPublished?.(lagSeconds, from);
  }

  /** Marks what was published as sent, in one statement. */
  private async markSent(connection: pg.Client): Promise<void> {
    if (this.unmarked.length === 0) {
      return;
    }
    const ids = this.unmarked;
    this.unmarked = [];
    try {
      await connection.query({
        name: 'outbox-mark-sent',
        text: 'UPDATE outbox_messages SET published_at = now() WHERE id = ANY($1::uuid[])',
        values: [ids],
      });
    } catch (error) {
      this.unmarked = [...ids, ...this.unmarked];
      throw error;
    }
  }

  /** Milliseconds until the rows published and not yet marked must be marked; infinite when there are none. */
  private msUntilMarkDue(): number {
    return this.unmarked.length === 0 ? Infinity : this.unmarkedSince + this.markIntervalMs - Date.now();
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
      connection.on('notification', (notification) => this.onAnnouncement(connection, notification.payload));
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
    this.announced = [];
    await connection?.end().catch(() => undefined);
  }

  /** Only the leader keeps what is announced; a follower reads the table when it takes the lead. */
  private onAnnouncement(connection: pg.Client, payload: string | undefined): void {
    if (!this.leading || this.connection !== connection) {
      return;
    }
    const record = parseAnnouncement(payload);
    if (record) {
      this.announced.push({ ...record, receivedAt: Date.now() });
    } else {
      this.tableReadDue = true;
    }
    this.requestWake();
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
      // Rows published and not yet marked are marked when their interval is up, even if nothing else happens.
      const timer = setTimeout(resolve, Math.max(0, Math.min(this.nextPollAt - Date.now(), this.msUntilMarkDue())));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}
