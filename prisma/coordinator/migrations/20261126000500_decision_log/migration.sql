-- The decision log. A transaction is PREPARING until its decision is written
-- here (COMMITTING or ABORTING, with the reason for an abort); only then does
-- phase 2 start. It becomes COMMITTED or ABORTED when every participant has
-- acknowledged. After a crash, PREPARING means "no decision": presumed abort.
ALTER TABLE "transactions"
    ADD COLUMN "reason" TEXT,
    ADD COLUMN "customer_id" TEXT NOT NULL,
    ADD COLUMN "total" BIGINT NOT NULL,
    ADD COLUMN "items" JSONB NOT NULL,
    ADD COLUMN "traceparent" TEXT,
    ADD COLUMN "decided_at" TIMESTAMPTZ(3),
    ADD COLUMN "completed_at" TIMESTAMPTZ(3),
    ADD CONSTRAINT "transactions_state_check"
        CHECK ("state" IN ('PREPARING', 'COMMITTING', 'ABORTING', 'COMMITTED', 'ABORTED'));

ALTER TABLE "transaction_participants"
    ADD COLUMN "vote_reason" TEXT,
    ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "last_error" TEXT,
    ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Recovery and the phase-2 retry loop look for transactions not yet finished.
CREATE INDEX "transactions_unfinished_idx" ON "transactions"("created_at") WHERE "state" IN ('PREPARING', 'COMMITTING', 'ABORTING');
