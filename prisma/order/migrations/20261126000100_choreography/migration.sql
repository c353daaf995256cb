-- Idempotency-Key of POST /orders: the first answer is stored with the order it created,
-- in the same transaction, and replayed for a retry with the same key and body.
CREATE TABLE "idempotency_keys" (
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "order_id" UUID NOT NULL,
    "response_status" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "orders_status_created_at_idx" ON "orders"("status", "created_at" DESC);
CREATE INDEX "orders_created_at_idx" ON "orders"("created_at" DESC);
