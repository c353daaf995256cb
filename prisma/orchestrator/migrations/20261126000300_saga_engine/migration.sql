-- The saga engine's durable state: where each saga is, what it waits for and until when.
ALTER TABLE "saga_instances"
    ADD COLUMN "step_index" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "waiting_for" TEXT NOT NULL DEFAULT 'nothing',
    ADD COLUMN "deadline_at" TIMESTAMPTZ(3),
    ADD COLUMN "needs_attention" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "history" JSONB NOT NULL DEFAULT '[]',
    ADD CONSTRAINT "saga_instances_waiting_for_check" CHECK ("waiting_for" IN ('reply', 'retry', 'nothing'));

-- One saga of a type per order, whatever happens to the message that starts it.
DROP INDEX "saga_instances_order_id_idx";
CREATE UNIQUE INDEX "saga_instances_order_id_type_key" ON "saga_instances"("order_id", "type");

-- The durable timers: what the deadline poller scans.
CREATE INDEX "saga_instances_deadline_idx" ON "saga_instances"("deadline_at") WHERE "waiting_for" <> 'nothing';

-- Replies that were recognised and not applied: late, duplicate, or for a finished step (fencing).
CREATE TABLE "saga_ignored_replies" (
    "id" BIGSERIAL NOT NULL,
    "saga_id" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "command" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "why" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "saga_ignored_replies_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "saga_ignored_replies_saga_id_idx" ON "saga_ignored_replies"("saga_id");
