-- History that stays cheap (docs/history-partitions.md): events, deliveries and attempts become
-- partitioned by RANGE of their own UUIDv7 id, one partition per UTC day, between a catch-all
-- partition below the first day (MINVALUE) and one above the last (MAXVALUE). Retention then drops
-- whole days; list queries keep one index range (ordered Append, no DEFAULT partition).
--
-- Written to carry whatever the three tables hold when it runs (columns, defaults, checks, indexes,
-- foreign keys to other tables, triggers), so migrations that add columns before this one need no
-- change here. Rows are copied, then the old tables dropped, in this one transaction.

-- The UUIDv7 that sorts first among those made at `at` (its 48-bit millisecond prefix, the rest 0).
CREATE FUNCTION herald_uuid_floor(at timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0') || repeat('0', 20))::uuid
$$;

-- When a UUIDv7 was made (its millisecond prefix); meaningless for other versions.
CREATE FUNCTION herald_uuid_time(id uuid) RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT to_timestamp(('x' || lpad(substr(replace(id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint / 1000.0)
$$;

-- The first id of a UTC day: every partition bound is one of these.
CREATE FUNCTION herald_day_floor(day date) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT herald_uuid_floor(day::timestamp AT TIME ZONE 'UTC')
$$;

-- The partitions of a history table with their bounds (NULL: MINVALUE / MAXVALUE).
CREATE FUNCTION herald_partitions(parent regclass)
  RETURNS TABLE (partition regclass, lower_bound uuid, upper_bound uuid) LANGUAGE sql STABLE AS $$
  SELECT c.oid::regclass, NULLIF(m[1], 'MINVALUE')::uuid, NULLIF(m[2], 'MAXVALUE')::uuid
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
   CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?([^'')]+)''?\) TO \(''?([^'')]+)''?\)') AS m
   WHERE i.inhparent = parent
$$;

-- Makes sure one partition per UTC day exists up to and including `through`: the MAXVALUE
-- partition is split. It is normally empty (ids are made now, and days are created ahead), so the
-- split is a catalog change; rows it holds (ids from the future, or from days the maintenance job
-- missed) are re-inserted through the parent into their day. Answers the days created.
CREATE FUNCTION herald_ensure_partitions(parent regclass, through date) RETURNS integer LANGUAGE plpgsql AS $$
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
  EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %I', parent, cols, cols, held);
  EXECUTE format('DROP TABLE %I', held);
  RETURN made;
END
$$;

-- Deleting a delivery deletes its attempts (what the foreign key's cascade did): organization and
-- endpoint deletion cascade to deliveries, and through this to attempts. An attempt is made after
-- its delivery, so partitions older than the delivery's day (less a day for clocks) are pruned.
CREATE FUNCTION herald_delete_delivery_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attempts
   WHERE delivery_id = OLD.id
     AND id >= CASE WHEN substr(OLD.id::text, 15, 1) = '7'
                    THEN herald_uuid_floor(herald_uuid_time(OLD.id) - interval '1 day')
                    ELSE '00000000-0000-0000-0000-000000000000'::uuid END;
  RETURN NULL;
END
$$;

-- Idempotency keys need real uniqueness, which a unique index on a table partitioned by id cannot
-- give: they move here, written in the publishing transaction, trimmed by retention with their events.
CREATE TABLE "event_idempotency_keys" (
    "organization_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "request_hash" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_idempotency_keys_pkey" PRIMARY KEY ("organization_id", "key")
);
CREATE INDEX "event_idempotency_keys_event_id_idx" ON "event_idempotency_keys"("event_id");
ALTER TABLE "event_idempotency_keys" ADD CONSTRAINT "event_idempotency_keys_organization_id_fkey"
  FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "event_idempotency_keys" ("organization_id", "key", "event_id", "request_hash", "created_at")
SELECT "organization_id", "idempotency_key", "id", COALESCE("request_hash", ''::bytea), "created_at"
  FROM "events" WHERE "idempotency_key" IS NOT NULL;

DO $migration$
DECLARE
  history text[] := ARRAY['events', 'deliveries', 'attempts'];
  tbl text;
  first_day date;
  cols text;
  saved record;
  part record;
BEGIN
  -- Foreign keys among the three go: a partition could not be dropped while a row of another
  -- table's newer partition referenced it (docs/history-partitions.md, "Foreign keys").
  FOR saved IN
    SELECT conname, conrelid::regclass AS tbl FROM pg_constraint
     WHERE contype = 'f' AND conrelid::regclass::text = ANY (history) AND confrelid::regclass::text = ANY (history)
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', saved.tbl, saved.conname);
  END LOOP;

  CREATE TEMP TABLE saved_definitions (tbl text, kind text, name text, definition text, is_unique boolean, has_id boolean) ON COMMIT DROP;
  FOREACH tbl IN ARRAY history LOOP
    INSERT INTO saved_definitions
    SELECT tbl, 'index', c.relname, pg_get_indexdef(i.indexrelid), i.indisunique,
           (SELECT attnum FROM pg_attribute WHERE attrelid = i.indrelid AND attname = 'id') = ANY (i.indkey::int2[])
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = tbl::regclass AND NOT i.indisprimary;
    INSERT INTO saved_definitions
    SELECT tbl, 'constraint', conname, pg_get_constraintdef(oid), false, false
      FROM pg_constraint WHERE conrelid = tbl::regclass AND contype = 'f';
    INSERT INTO saved_definitions
    SELECT tbl, 'trigger', tgname, pg_get_triggerdef(oid), false, false
      FROM pg_trigger WHERE tgrelid = tbl::regclass AND NOT tgisinternal;

    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING CONSTRAINTS'
                   ' INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS) PARTITION BY RANGE ("id")', tbl || '_partitioned', tbl);
    -- Days from the oldest row (UUIDv7 ids only: other versions carry no time) to a week ahead.
    EXECUTE format('SELECT (herald_uuid_time(id) AT TIME ZONE ''UTC'')::date FROM %I WHERE substr(id::text, 15, 1) = ''7'' ORDER BY id LIMIT 1', tbl) INTO first_day;
    first_day := LEAST(COALESCE(first_day, current_date), (now() AT TIME ZONE 'UTC')::date);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (MINVALUE) TO (%L)', tbl || '_before', tbl || '_partitioned', herald_day_floor(first_day));
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (MAXVALUE)', tbl || '_future', tbl || '_partitioned', herald_day_floor(first_day));
    PERFORM herald_ensure_partitions((tbl || '_partitioned')::regclass, (now() AT TIME ZONE 'UTC')::date + 7);

    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
      FROM pg_attribute WHERE attrelid = tbl::regclass AND attnum > 0 AND NOT attisdropped;
    EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I', tbl || '_partitioned', cols, cols, tbl);
  END LOOP;

  -- The old tables go (plain DROP: a table of another migration referencing one fails this loudly),
  -- then the new ones take their names and everything saved is made again on them.
  DROP TABLE attempts, deliveries, events;
  FOREACH tbl IN ARRAY history LOOP
    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl || '_partitioned', tbl);
    FOR part IN SELECT c.relname FROM herald_partitions(tbl::regclass) p JOIN pg_class c ON c.oid = p.partition
                 WHERE c.relname LIKE tbl || '\_partitioned\_%' LOOP
      EXECUTE format('ALTER TABLE %I RENAME TO %I', part.relname, tbl || substr(part.relname, length(tbl || '_partitioned') + 1));
    END LOOP;
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY ("id")', tbl, tbl || '_pkey');
  END LOOP;
  FOR saved IN SELECT * FROM saved_definitions ORDER BY tbl, kind, name LOOP
    IF saved.kind = 'index' AND saved.name = 'events_organization_id_idempotency_key_key' THEN
      CONTINUE; -- now event_idempotency_keys' primary key
    ELSIF saved.kind = 'index' AND saved.is_unique AND NOT saved.has_id THEN
      -- Unique without the partition key cannot exist; the code guarantees these (see the docs).
      EXECUTE replace(saved.definition, 'CREATE UNIQUE INDEX ' || quote_ident(saved.name) || ' ON',
                      'CREATE INDEX ' || quote_ident(regexp_replace(saved.name, '(_key)?$', '_idx')) || ' ON');
    ELSIF saved.kind = 'constraint' THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', saved.tbl, saved.name, saved.definition);
    ELSE
      EXECUTE saved.definition;
    END IF;
  END LOOP;
END
$migration$;

CREATE TRIGGER "deliveries_delete_attempts" AFTER DELETE ON "deliveries"
  FOR EACH ROW EXECUTE FUNCTION herald_delete_delivery_attempts();

ANALYZE "events";
ANALYZE "deliveries";
ANALYZE "attempts";
