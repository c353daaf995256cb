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
    `INSERT INTO inbox_messages (consumer_group, message_id, message_type, topic, partition, "offset")
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])
     ON CONFLICT (consumer_group, message_id) DO NOTHING
     RETURNING message_id`,
    consumerGroup,
    entries.map(({ message }) => message.id),
    entries.map(({ message }) => message.type),
    entries.map(({ coordinates }) => coordinates.topic),
    entries.map(({ coordinates }) => coordinates.partition),
    entries.map(({ coordinates }) => coordinates.offset),
  );
  return new Set(rows.map((row) => row.message_id));
}
