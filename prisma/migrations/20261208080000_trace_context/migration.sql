-- Trace context (docs/telemetry.md): the W3C traceparent/tracestate a publish continued, kept with
-- its event so every delivery and every attempt of it (retries, watchdog re-runs, manual retries)
-- continues that trace; and each endpoint's choice to receive it. Nullable and default false: events
-- published without one, and endpoints that never asked, change nothing.
ALTER TABLE events
  ADD COLUMN trace_parent text,
  ADD COLUMN trace_state text;
ALTER TABLE endpoints
  ADD COLUMN propagate_trace_context boolean NOT NULL DEFAULT false;
