-- Portal sessions: short-lived keys of one organization, for the webhooks portal in a browser.
-- AlterEnum
ALTER TYPE "ApiKeyKind" ADD VALUE 'PORTAL';

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
