import type { OutboxRecord } from './outbox-relay.js';

/**
 * PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more. A row whose
 * announcement would be longer is announced by an empty payload instead, and
 * the relay reads it from the table.
 */
export const MAX_ANNOUNCEMENT_BYTES = 7_900;

/** An outbox row as its notification carries it, with when it was written (epoch seconds). */
export interface AnnouncedRecord extends OutboxRecord {
  createdAtSeconds: number;
}

/**
 * The SQL expression, over a stored outbox row, of the notification that
 * announces it: `[id, topic, key, headers, value, created_at]` as JSON.
 */
export const ANNOUNCEMENT_SQL = `json_build_array(id, topic, message_key, headers, value, extract(epoch FROM created_at))::text`;

/** The row a notification announces, or undefined when it names none (too long to carry: read the table). */
export function parseAnnouncement(payload: string | undefined): AnnouncedRecord | undefined {
  if (!payload) {
    return undefined;
  }
  const [id, topic, key, headers, value, createdAtSeconds] = JSON.parse(payload) as [
    string,
    string,
    string,
    Record<string, string>,
    string,
    number,
  ];
  return { id, topic, key, headers, value, createdAtSeconds };
}

/** The last `capacity` ids seen, so a row published from the table is not published again when its notification arrives. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) {
        this.ids.delete(oldest);
      }
    }
  }
}
