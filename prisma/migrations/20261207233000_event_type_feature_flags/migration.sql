-- Which event types a key sees (docs/portal.md, "Which event types a customer sees"): an event type
-- may carry a feature flag, seen only by keys that hold it; a portal session sees Herald's
-- operational types and webhook.test only when it was minted asking for them.
-- AlterTable
ALTER TABLE "event_types" ADD COLUMN "feature_flag" TEXT;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN "feature_flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "sees_operational_event_types" BOOLEAN NOT NULL DEFAULT false;
