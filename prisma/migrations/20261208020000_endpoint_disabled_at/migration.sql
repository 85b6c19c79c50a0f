-- When an endpoint was turned off (by hand or by its health), so the portal can say "since when";
-- null while active. Endpoints already off take their last change as the best known time.
-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN "disabled_at" TIMESTAMPTZ(3);
UPDATE "endpoints" SET "disabled_at" = "updated_at" WHERE NOT "active";

-- The delivery log filtered by event type reads the organization's events of that type newest
-- first and joins their deliveries (deliveries_event_id_endpoint_id_idx), instead of reading every
-- delivery and its event. Created on the partitioned parent, so every day's partition has it.
-- CreateIndex
CREATE INDEX "events_organization_id_type_id_idx" ON "events"("organization_id", "type", "id");
