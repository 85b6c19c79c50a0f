-- Endpoint statistics from rollups (docs/statistics.md): delivery outcomes counted as they happen,
-- per endpoint, into buckets of one minute and of one hour by the delivery's created_at, so that
-- `Endpoint.stats(hours:)` reads at most 60 minute rows and 720 hour rows per endpoint and shard
-- instead of every delivery of the window. Statement triggers on deliveries keep the counts, in the
-- transaction of the write that changes them: every path that creates, moves or deletes a delivery
-- (publishing, the worker, cancellations, replays, expiry) is counted the same way.
CREATE TABLE "delivery_outcome_rollups" (
    "endpoint_id" UUID NOT NULL,
    "bucket_minutes" INTEGER NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "shard" INTEGER NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "newest" TIMESTAMPTZ(3),

    CONSTRAINT "delivery_outcome_rollups_pkey" PRIMARY KEY ("endpoint_id", "bucket_minutes", "bucket", "shard")
);
CREATE INDEX "delivery_outcome_rollups_bucket_idx" ON "delivery_outcome_rollups"("bucket");
ALTER TABLE "delivery_outcome_rollups" ADD CONSTRAINT "delivery_outcome_rollups_endpoint_id_fkey"
  FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The row a connection writes: one of a few per (endpoint, bucket), so that workers finishing
-- deliveries of one endpoint at once do not queue on one row lock until each other's commit.
CREATE FUNCTION herald_rollup_shard() RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT pg_backend_pid() % 4
$$;

CREATE FUNCTION herald_rollup_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Rows moved between partitions (herald_ensure_partitions) are neither new nor gone.
  IF current_setting('herald.moving_history', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_outcome_rollups AS r (endpoint_id, bucket_minutes, bucket, shard, total, succeeded, failed, newest)
    SELECT n.endpoint_id, w.minutes, date_bin(w.span, n.created_at, timestamptz 'epoch'), herald_rollup_shard(),
           count(*), count(*) FILTER (WHERE n.status = 'SUCCEEDED'), count(*) FILTER (WHERE n.status = 'FAILED'), max(n.created_at)
      FROM new_rows n CROSS JOIN (VALUES (1, interval '1 minute'), (60, interval '1 hour')) AS w(minutes, span)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (endpoint_id, bucket_minutes, bucket, shard) DO UPDATE
       SET total = r.total + EXCLUDED.total, succeeded = r.succeeded + EXCLUDED.succeeded, failed = r.failed + EXCLUDED.failed,
           newest = GREATEST(r.newest, EXCLUDED.newest);
  ELSIF TG_OP = 'UPDATE' THEN
    -- Most updates move no count (a claim: PENDING to SENDING); only the rows whose sums change are written.
    INSERT INTO delivery_outcome_rollups AS r (endpoint_id, bucket_minutes, bucket, shard, total, succeeded, failed)
    SELECT c.endpoint_id, w.minutes, date_bin(w.span, c.created_at, timestamptz 'epoch'), herald_rollup_shard(),
           sum(c.total), sum(c.succeeded), sum(c.failed)
      FROM (SELECT n.endpoint_id, n.created_at, 1 AS total, (n.status = 'SUCCEEDED')::int AS succeeded, (n.status = 'FAILED')::int AS failed FROM new_rows n
            UNION ALL
            SELECT o.endpoint_id, o.created_at, -1, -(o.status = 'SUCCEEDED')::int, -(o.status = 'FAILED')::int FROM old_rows o) AS c
     CROSS JOIN (VALUES (1, interval '1 minute'), (60, interval '1 hour')) AS w(minutes, span)
     GROUP BY 1, 2, 3
    HAVING sum(c.total) <> 0 OR sum(c.succeeded) <> 0 OR sum(c.failed) <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT (endpoint_id, bucket_minutes, bucket, shard) DO UPDATE
       SET total = r.total + EXCLUDED.total, succeeded = r.succeeded + EXCLUDED.succeeded, failed = r.failed + EXCLUDED.failed;
  ELSE
    -- Deleted with their endpoint (or organization), the endpoint's buckets go by its foreign key:
    -- only deliveries of endpoints that remain (retention's stragglers, expiry) are taken off.
    INSERT INTO delivery_outcome_rollups AS r (endpoint_id, bucket_minutes, bucket, shard, total, succeeded, failed)
    SELECT o.endpoint_id, w.minutes, date_bin(w.span, o.created_at, timestamptz 'epoch'), herald_rollup_shard(),
           -count(*), -count(*) FILTER (WHERE o.status = 'SUCCEEDED'), -count(*) FILTER (WHERE o.status = 'FAILED')
      FROM old_rows o CROSS JOIN (VALUES (1, interval '1 minute'), (60, interval '1 hour')) AS w(minutes, span)
     WHERE EXISTS (SELECT 1 FROM endpoints e WHERE e.id = o.endpoint_id)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (endpoint_id, bucket_minutes, bucket, shard) DO UPDATE
       SET total = r.total + EXCLUDED.total, succeeded = r.succeeded + EXCLUDED.succeeded, failed = r.failed + EXCLUDED.failed;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER deliveries_rollup_insert AFTER INSERT ON deliveries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_rollup_deliveries();
CREATE TRIGGER deliveries_rollup_update AFTER UPDATE ON deliveries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_rollup_deliveries();
CREATE TRIGGER deliveries_rollup_delete AFTER DELETE ON deliveries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_rollup_deliveries();

CREATE OR REPLACE FUNCTION herald_ensure_partitions(parent regclass, through date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  top regclass;
  top_lower uuid;
  held text;
  cols text;
  day date;
  made integer := 0;
  base text := (SELECT relname FROM pg_class WHERE oid = parent);
BEGIN
  -- Two workers starting at once must not both split the same partition.
  PERFORM pg_advisory_xact_lock(hashtext('herald_ensure_partitions:' || parent::text));
  SELECT partition, lower_bound INTO top, top_lower FROM herald_partitions(parent) WHERE upper_bound IS NULL;
  IF top IS NULL THEN
    RAISE EXCEPTION '% has no MAXVALUE partition', parent;
  END IF;
  IF top_lower >= herald_day_floor(through + 1) THEN
    RETURN 0;
  END IF;
  held := base || '_split_' || txid_current();
  EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', parent, top);
  EXECUTE format('ALTER TABLE %s RENAME TO %I', top, held);
  day := (herald_uuid_time(top_lower) AT TIME ZONE 'UTC')::date;
  WHILE day <= through LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                   base || '_p' || to_char(day, 'YYYYMMDD'), parent, herald_day_floor(day), herald_day_floor(day + 1));
    made := made + 1;
    day := day + 1;
  END LOOP;
  EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (MAXVALUE)', base || '_future', parent, herald_day_floor(day));
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped;
  -- Rows moved between partitions are neither new nor gone: the outcome rollups skip them.
  PERFORM set_config('herald.moving_history', 'on', true);
  EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %I', parent, cols, cols, held);
  PERFORM set_config('herald.moving_history', 'off', true);
  EXECUTE format('DROP TABLE %I', held);
  RETURN made;
END
$$;
-- The history already written, counted once (shard 0).
INSERT INTO delivery_outcome_rollups (endpoint_id, bucket_minutes, bucket, shard, total, succeeded, failed, newest)
SELECT d.endpoint_id, w.minutes, date_bin(w.span, d.created_at, timestamptz 'epoch'), 0,
       count(*), count(*) FILTER (WHERE d.status = 'SUCCEEDED'), count(*) FILTER (WHERE d.status = 'FAILED'), max(d.created_at)
  FROM deliveries d CROSS JOIN (VALUES (1, interval '1 minute'), (60, interval '1 hour')) AS w(minutes, span)
 GROUP BY 1, 2, 3;

-- events(filter: { type }) and { project } as one index range each, however rare the value
-- (test/db/query-plans.test.ts): on the partitioned table, one index per day partition.
-- events (organization_id, type, id) comes with 20261208020000_endpoint_disabled_at.
CREATE INDEX "events_organization_id_project_id_idx" ON "events"("organization_id", "project", "id");
