-- Owned by @dtx/two-phase (libs/shared/two-phase); idempotent (IF NOT EXISTS) because databases migrated before the table moved here already have it.
-- Named 20261126000501, not 20261126000500: databases migrated before record that name for the old copy.

-- This participant's side of each two-phase-commit transaction, kept by
-- @dtx/two-phase (libs/shared/two-phase):
--   COMMITTED  written inside the prepared transaction, so it is true exactly
--              when COMMIT PREPARED has run
--   ABORTED    written by an abort; a prepare that arrives later finds it and
--              votes NO instead of holding locks that nobody would release
CREATE TABLE IF NOT EXISTS "two_phase_participations" (
    "gid" TEXT NOT NULL,
    "transaction_id" UUID NOT NULL,
    "outcome" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "two_phase_participations_pkey" PRIMARY KEY ("gid"),
    CONSTRAINT "two_phase_participations_outcome_check" CHECK ("outcome" IN ('COMMITTED', 'ABORTED'))
);
