-- A portal session may carry the integrator's product name and theme (docs/portal.md, "White label:
-- brand and theme"). Checked by the API before they are written; null: the portal's neutral defaults.
-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN "brand_name" TEXT,
ADD COLUMN "portal_theme" JSONB;
