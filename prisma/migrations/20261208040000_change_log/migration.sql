-- The change log live subscriptions read (docs/subscriptions.md, "Resuming"): every notice a writer
-- sends is also a row here, in the writer's transaction, stamped with that transaction's id (xid8).
-- Readers take only rows of transactions older than every transaction still in progress
-- (pg_snapshot_xmin), in (xid, position) order, so a transaction that commits late is never passed
-- over. Rows are kept HERALD_CHANGE_RETENTION (and a grace period), then deleted by the API.
CREATE TABLE "change_log" (
    "position" BIGSERIAL NOT NULL,
    -- The xid8 as a bigint (xid8 is 64 bits: epoch and xid), which Prisma and every client can read.
    "xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    "organization_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "notice" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "change_log_pkey" PRIMARY KEY ("position")
);

CREATE INDEX "change_log_xid_position_idx" ON "change_log"("xid", "position");
CREATE INDEX "change_log_organization_id_kind_xid_position_idx" ON "change_log"("organization_id", "kind", "xid", "position");
CREATE INDEX "change_log_created_at_idx" ON "change_log"("created_at");
