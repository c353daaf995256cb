-- Prices come from the server: an order's lines are priced from this catalog.
CREATE TABLE "catalog_prices" (
    "sku" TEXT NOT NULL,
    "unit_price" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_prices_pkey" PRIMARY KEY ("sku"),
    CONSTRAINT "catalog_prices_unit_price_check" CHECK ("unit_price" >= 0)
);

-- Idempotency keys belong to a customer: two customers may use the same key, and one
-- customer's key tells nothing about another's. Keys already stored take their order's customer.
ALTER TABLE "idempotency_keys" ADD COLUMN "customer_id" TEXT;
UPDATE "idempotency_keys" AS k SET "customer_id" = o."customer_id" FROM "orders" AS o WHERE o."id" = k."order_id";
DELETE FROM "idempotency_keys" WHERE "customer_id" IS NULL;
ALTER TABLE "idempotency_keys" ALTER COLUMN "customer_id" SET NOT NULL;
ALTER TABLE "idempotency_keys" DROP CONSTRAINT "idempotency_keys_pkey";
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("customer_id", "key");
-- For the purge of keys past their retention.
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");
