-- The purge of steps past their retention (MESSAGE_RECORD_RETENTION_DAYS) finds them by age.
CREATE INDEX IF NOT EXISTS "participant_steps_updated_at_idx" ON "participant_steps"("updated_at");
