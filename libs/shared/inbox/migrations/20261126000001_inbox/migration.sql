-- Owned by @dtx/inbox (libs/shared/inbox); idempotent (IF NOT EXISTS) because databases migrated before the table moved here already have it.

-- Idempotent consumer: a message id recorded in the same transaction as its effect.
CREATE TABLE IF NOT EXISTS "inbox_messages" (
    "consumer_group" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "message_type" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_messages_pkey" PRIMARY KEY ("consumer_group","message_id")
);

CREATE INDEX IF NOT EXISTS "inbox_messages_processed_at_idx" ON "inbox_messages"("processed_at");
