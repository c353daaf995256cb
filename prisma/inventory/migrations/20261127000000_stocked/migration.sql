-- Units ever put on sale per SKU, so that stock can be audited:
-- available + reserved + sold (committed reservations) = stocked.
-- Idempotent: the column is added, and existing rows backfilled, only once.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'stock_items' AND column_name = 'stocked'
    ) THEN
        ALTER TABLE "stock_items" ADD COLUMN "stocked" BIGINT NOT NULL DEFAULT 0;
        UPDATE "stock_items" AS s
        SET "stocked" = s."available" + s."reserved" + COALESCE((
            SELECT SUM((line ->> 'quantity')::BIGINT)
            FROM "reservations" AS r, jsonb_array_elements(r."items") AS line
            WHERE r."status" = 'COMMITTED' AND line ->> 'sku' = s."sku"
        ), 0);
    END IF;
END
$$;
