-- CreateTable
CREATE TABLE "accounts" (
    "customer_id" TEXT NOT NULL,
    "balance" BIGINT NOT NULL,
    "reserved" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("customer_id"),
    CONSTRAINT "accounts_balance_check" CHECK ("balance" >= 0),
    CONSTRAINT "accounts_reserved_check" CHECK ("reserved" >= 0)
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "payments_amount_check" CHECK ("amount" >= 0)
);

-- CreateIndex
CREATE INDEX "payments_order_id_idx" ON "payments"("order_id");
