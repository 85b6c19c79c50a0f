-- Per-endpoint rate limits (docs/rate-limits.md): the setting on the endpoint, and the limiter's
-- state in a table of its own, one row per limited endpoint. Every worker batch that sends to the
-- endpoint updates that row, so it is kept apart from the endpoints row that requests read.
-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN "rate_limit_per_second" INTEGER,
ADD COLUMN "rate_limit_burst" INTEGER;

-- CreateTable
CREATE TABLE "endpoint_rate_limits" (
    "endpoint_id" UUID NOT NULL,
    "tat" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "endpoint_rate_limits_pkey" PRIMARY KEY ("endpoint_id")
);

-- AddForeignKey
ALTER TABLE "endpoint_rate_limits" ADD CONSTRAINT "endpoint_rate_limits_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
