-- Owned by @dtx/outbox (libs/shared/outbox); idempotent (IF NOT EXISTS, ON CONFLICT DO NOTHING) because databases migrated before the tables moved here already have them.

-- Transactional outbox: rows written in the same transaction as the change that
-- caused them, published to Kafka by the relay in "sequence" order.
CREATE TABLE IF NOT EXISTS "outbox_messages" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "message_type" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX IF NOT EXISTS "outbox_messages_sequence_key" ON "outbox_messages"("sequence");
-- The relay's query: pending rows in order. Partial, so it stays small however many rows were sent.
CREATE INDEX IF NOT EXISTS "outbox_messages_pending_idx" ON "outbox_messages"("sequence") WHERE "published_at" IS NULL;
CREATE INDEX IF NOT EXISTS "outbox_messages_published_at_idx" ON "outbox_messages"("published_at");

-- This service's Lamport clock: one row, stored with the data so it never goes backwards.
CREATE TABLE IF NOT EXISTS "lamport_clock" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "value" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "lamport_clock_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "lamport_clock_single_row" CHECK ("id" = 1)
);

INSERT INTO "lamport_clock" ("id", "value") VALUES (1, 0) ON CONFLICT DO NOTHING;
