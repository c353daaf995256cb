-- At most one payment per order: a second authorisation for the same order is impossible.
DROP INDEX "payments_order_id_idx";
CREATE UNIQUE INDEX "payments_order_id_key" ON "payments"("order_id");

ALTER TABLE "payments" ADD CONSTRAINT "payments_status_check"
    CHECK ("status" IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED', 'VOIDED', 'DECLINED'));

-- Orders payment learned were cancelled before it authorised anything, so that a
-- late authorisation request for them is refused.
CREATE TABLE "order_cancellations" (
    "order_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_cancellations_pkey" PRIMARY KEY ("order_id")
);
