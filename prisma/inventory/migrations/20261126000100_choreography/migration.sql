-- One row per order that inventory has decided on. Its status makes every handler
-- idempotent beyond the inbox, and records a cancellation that arrived before the
-- reservation ("CANCELLED") so that a late reservation request is refused.
CREATE TABLE "reservations" (
    "order_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reservations_pkey" PRIMARY KEY ("order_id"),
    CONSTRAINT "reservations_status_check" CHECK ("status" IN ('RESERVED', 'COMMITTED', 'RELEASED', 'REJECTED', 'CANCELLED'))
);
