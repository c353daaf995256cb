-- Owned by @dtx/participant (libs/shared/participant); idempotent (IF NOT EXISTS) because databases migrated before the table moved here already have it.

-- What this participant did for each order's saga step, kept by the shared
-- participant guard (libs/shared/participant) in the handler's transaction:
--   ACTION_DONE  the action ran; a duplicate command gets the same outcome again
--   COMPENSATED  the compensation ran, or arrived first (a null compensation):
--                an action arriving after it is refused (a hanging action)
CREATE TABLE IF NOT EXISTS "participant_steps" (
    "order_id" UUID NOT NULL,
    "resource" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "action_outcome" TEXT,
    "action_reason" TEXT,
    "compensation_outcome" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "participant_steps_pkey" PRIMARY KEY ("order_id","resource"),
    CONSTRAINT "participant_steps_state_check" CHECK ("state" IN ('ACTION_DONE', 'COMPENSATED'))
);
