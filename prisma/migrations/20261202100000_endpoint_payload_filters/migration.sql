-- Payload filters: an endpoint may narrow the events it receives with a filter on the payload
-- (src/engine/payload-filter.ts). NULL: no filter, every event of its types and projects.
-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN "filter" JSONB;
