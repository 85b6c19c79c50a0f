-- The failing spell an endpoint is in (docs/operational-events.md): an id chosen by the recording
-- transaction that set failing_since, so that transaction alone learns from its own UPDATE's
-- RETURNING that it began the spell and announces `herald.delivery.failing`, once per spell, with
-- no extra lock or statement. Stale once failing_since is cleared; only read while it is set.
-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN "failing_spell_id" UUID;
