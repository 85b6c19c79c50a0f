-- Each organization's budget of manual endpoint toggles that change an endpoint's state, each of
-- which announces herald.endpoint.disabled/enabled to the operator (docs/operational-events.md):
-- the GCRA state of src/engine/rate-limit.ts, one instant per organization, shared by every API
-- process. A row appears with the organization's first such toggle.
-- CreateTable
CREATE TABLE "endpoint_toggle_budgets" (
    "organization_id" UUID NOT NULL,
    "tat" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "endpoint_toggle_budgets_pkey" PRIMARY KEY ("organization_id")
);

-- AddForeignKey
ALTER TABLE "endpoint_toggle_budgets" ADD CONSTRAINT "endpoint_toggle_budgets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
