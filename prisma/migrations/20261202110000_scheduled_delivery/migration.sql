-- Scheduled delivery: an event may ask to be delivered later (events.deliver_at); its deliveries
-- wait as SCHEDULED until then. ADD VALUE may run inside the migration's transaction (PostgreSQL
-- 12+), but the new value cannot be used until that transaction commits: nothing below uses it.
-- AlterEnum
ALTER TYPE "DeliveryStatus" ADD VALUE 'SCHEDULED' BEFORE 'PENDING';

-- AlterTable
ALTER TABLE "events" ADD COLUMN "deliver_at" TIMESTAMPTZ(3);
