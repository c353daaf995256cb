-- Money ever put on each account, so that balances can be audited:
-- balance + captured payments = deposited (a refunded payment is no longer captured).
-- Idempotent: the column is added, and existing rows backfilled, only once.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'accounts' AND column_name = 'deposited'
    ) THEN
        ALTER TABLE "accounts" ADD COLUMN "deposited" BIGINT NOT NULL DEFAULT 0;
        UPDATE "accounts" AS a
        SET "deposited" = a."balance" + COALESCE((
            SELECT SUM(p."amount") FROM "payments" AS p
            WHERE p."status" = 'CAPTURED' AND p."customer_id" = a."customer_id"
        ), 0);
    END IF;
END
$$;
