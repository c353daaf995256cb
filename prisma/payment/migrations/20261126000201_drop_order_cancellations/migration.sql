-- Replaced by participant_steps (libs/shared/participant). IF EXISTS: databases
-- migrated before this migration was split out dropped it already.
DROP TABLE IF EXISTS "order_cancellations";
