-- The W3C trace context the saga started in, so that spans of timer-driven steps
-- (timeouts, retries) join the order's trace.
ALTER TABLE "saga_instances" ADD COLUMN "trace_context" JSONB;
