-- CreateTable
CREATE TABLE "stock_items" (
    "sku" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_items_pkey" PRIMARY KEY ("sku"),
    -- Overselling is impossible even if application code is wrong.
    CONSTRAINT "stock_items_available_check" CHECK ("available" >= 0),
    CONSTRAINT "stock_items_reserved_check" CHECK ("reserved" >= 0)
);
