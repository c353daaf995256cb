-- The purge of outcomes past their retention (MESSAGE_RECORD_RETENTION_DAYS) finds them by age.
CREATE INDEX IF NOT EXISTS "two_phase_participations_created_at_idx" ON "two_phase_participations"("created_at");
