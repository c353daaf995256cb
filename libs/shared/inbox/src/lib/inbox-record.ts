import type { MessageEnvelope } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';

/** Where Kafka delivered a message from. */
export interface DeliveryCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** A delivered message, as the inbox records it. */
export interface InboxEntry {
  message: Pick<MessageEnvelope, 'id' | 'type'>;
  coordinates: DeliveryCoordinates;
}

/** The insert both ways of recording share: one row per entry, from arrays ($2 to $6). */
const INSERT_ENTRIES = `INSERT INTO inbox_messages (consumer_group, message_id, message_type, topic, partition, "offset")
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])`;

/** The values of INSERT_ENTRIES. */
function entryValues(consumerGroup: string, entries: readonly InboxEntry[]): unknown[] {
  return [
    consumerGroup,
    entries.map(({ message }) => message.id),
    entries.map(({ message }) => message.type),
    entries.map(({ coordinates }) => coordinates.topic),
    entries.map(({ coordinates }) => coordinates.partition),
    entries.map(({ coordinates }) => coordinates.offset),
  ];
}

/**
 * Records that `consumerGroup` handled each entry, in one statement; returns
 * the ids it had not handled before. Runs in the handlers' transaction, so the
 * records and the effects commit or roll back together. A concurrent second
 * delivery waits on the first's uncommitted row and then sees the conflict.
 */
export async function recordInInbox(
  tx: SqlTransaction,
  consumerGroup: string,
  entries: readonly InboxEntry[],
): Promise<Set<string>> {
  const rows = await tx.query<{ message_id: string }>(
    `${INSERT_ENTRIES}
     ON CONFLICT (consumer_group, message_id) DO NOTHING
     RETURNING message_id`,
    ...entryValues(consumerGroup, entries),
  );
  return new Set(rows.map((row) => row.message_id));
}

/**
 * Records every entry as handled, assuming none was: sent with the
 * transaction's next statement (a round trip fewer than `recordInInbox`),
 * and without `ON CONFLICT`, so that an entry handled before fails that
 * statement on the primary key (a unique violation) and the transaction
 * rolls back; its caller then runs it again with `recordInInbox`, which
 * tells the duplicates. Returns the distinct ids, or undefined (recording
 * nothing) if the transaction cannot defer statements.
 */
export function recordAllAsNew(
  tx: SqlTransaction,
  consumerGroup: string,
  entries: readonly InboxEntry[],
): Set<string> | undefined {
  if (!tx.defer) {
    return undefined;
  }
  const distinct = [...new Map(entries.map((entry) => [entry.message.id, entry])).values()];
  tx.defer(INSERT_ENTRIES, ...entryValues(consumerGroup, distinct));
  return new Set(distinct.map(({ message }) => message.id));
}
