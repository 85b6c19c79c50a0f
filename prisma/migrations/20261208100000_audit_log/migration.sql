-- The audit log: every configuration change, written in the transaction that makes it
-- (docs/audit-log.md). Ids are UUIDv7 made by Herald: the id orders entries and bounds retention.
-- CreateEnum
CREATE TYPE "AuditActorKind" AS ENUM ('ADMIN', 'ORGANIZATION_KEY', 'PORTAL_SESSION', 'SYSTEM');

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" UUID NOT NULL,
    "organization_id" UUID,
    "action" TEXT NOT NULL,
    "actor_kind" "AuditActorKind" NOT NULL,
    "actor_key_id" UUID,
    "target_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changes" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- An organization's entries newest first, and one target's history, each one index range.
-- CreateIndex
CREATE INDEX "audit_entries_organization_id_id_idx" ON "audit_entries"("organization_id", "id");
CREATE INDEX "audit_entries_target_id_id_idx" ON "audit_entries"("target_id", "id");

-- The operational events of endpoint configuration changes (docs/operational-events.md).
INSERT INTO "event_types" ("name", "description", "schema") VALUES
('herald.endpoint.created', 'An endpoint was created (createEndpoint), with who created it.', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "actor"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "actor": {
      "type": "object",
      "required": ["kind", "id"],
      "additionalProperties": false,
      "properties": {
        "kind": { "enum": ["ADMIN", "ORGANIZATION_KEY", "PORTAL_SESSION", "SYSTEM"] },
        "id": { "type": ["string", "null"], "pattern": "^key_[0-9a-f]{32}$", "description": "The key''s id; null for SYSTEM (the CLI)." }
      }
    }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "actor": { "kind": "ORGANIZATION_KEY", "id": "key_019ae0c2a4a87a2c9f3c1a2b3c4d5e73" } }]
}'::jsonb),
('herald.endpoint.updated', 'An endpoint''s settings changed (updateEndpoint) or its signing secret was rotated (changedFields ["secret"]): the names of the fields, never their values.', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "changedFields", "actor"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string", "description": "As it is after the change." },
    "changedFields": { "type": "array", "items": { "type": "string" }, "description": "Such as url, eventTypes, headers, filter, rateLimit, secret." },
    "actor": {
      "type": "object",
      "required": ["kind", "id"],
      "additionalProperties": false,
      "properties": {
        "kind": { "enum": ["ADMIN", "ORGANIZATION_KEY", "PORTAL_SESSION", "SYSTEM"] },
        "id": { "type": ["string", "null"], "pattern": "^key_[0-9a-f]{32}$" }
      }
    }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "changedFields": ["eventTypes", "url"], "actor": { "kind": "PORTAL_SESSION", "id": "key_019ae0c2a4a87a2c9f3c1a2b3c4d5e74" } }]
}'::jsonb),
('herald.endpoint.deleted', 'An endpoint was deleted (deleteEndpoint) with its deliveries.', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "actor"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "actor": {
      "type": "object",
      "required": ["kind", "id"],
      "additionalProperties": false,
      "properties": {
        "kind": { "enum": ["ADMIN", "ORGANIZATION_KEY", "PORTAL_SESSION", "SYSTEM"] },
        "id": { "type": ["string", "null"], "pattern": "^key_[0-9a-f]{32}$" }
      }
    }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "actor": { "kind": "ADMIN", "id": "key_019ae0c2a4a87a2c9f3c1a2b3c4d5e75" } }]
}'::jsonb);
