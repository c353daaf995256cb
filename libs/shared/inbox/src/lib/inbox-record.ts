import type { MessageEnvelope } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';

/**
 * Records that `consumerGroup` handled `message`; false when it already had.
 * Runs in the handler's transaction, so the record and the effect commit or
 * roll back together. A concurrent second delivery waits on the first's
 * uncommitted row and then sees the conflict.
 */
export async function recordInInbox(
  tx: SqlTransaction,
  consumerGroup: string,
  message: Pick<MessageEnvelope, 'id' | 'type'>,
  coordinates: { topic: string; partition: number; offset: string },
): Promise<boolean> {
  const inserted = await tx.execute(
    `INSERT INTO inbox_messages (consumer_group, message_id, message_type, topic, partition, "offset")
     VALUES ($1, $2, $3, $4, $5, $6::bigint)
     ON CONFLICT (consumer_group, message_id) DO NOTHING`,
    consumerGroup,
    message.id,
    message.type,
    coordinates.topic,
    coordinates.partition,
    coordinates.offset,
  );
  return inserted === 1;
}
