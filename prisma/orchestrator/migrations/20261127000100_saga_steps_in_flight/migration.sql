-- The steps a saga has in flight, each with its own attempt and timer: the current step,
-- or every member of a parallel group that has not succeeded yet. attempt, waiting_for and
-- deadline_at keep the earliest of those timers, which the deadline poller scans.
ALTER TABLE "saga_instances" ADD COLUMN "steps_in_flight" JSONB NOT NULL DEFAULT '[]';

-- A saga in flight when this runs waits on the one step its columns describe.
UPDATE "saga_instances"
   SET "steps_in_flight" = jsonb_build_array(jsonb_build_object(
         'step', "current_step",
         'attempt', "attempt",
         'waitingFor', "waiting_for",
         'deadline', (extract(epoch FROM "deadline_at") * 1000)::bigint))
 WHERE "steps_in_flight" = '[]' AND "waiting_for" <> 'nothing'
   AND "current_step" IS NOT NULL AND "deadline_at" IS NOT NULL;
