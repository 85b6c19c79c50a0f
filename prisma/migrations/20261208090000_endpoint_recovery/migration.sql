-- Recovery without a human (docs/recovery.md): pauses that keep their backlog, and endpoints that
-- heal. A paused endpoint's deliveries wait PAUSED (not attempted, not counted) until it resumes.
-- Adding an enum value inside the migration's transaction is allowed (PostgreSQL 12+) as long as
-- nothing in the same transaction uses it.
ALTER TYPE "DeliveryStatus" ADD VALUE 'PAUSED';

-- When pauseEndpoint paused it; null while it is not paused.
ALTER TABLE "endpoints" ADD COLUMN "paused_at" TIMESTAMPTZ(3);

-- herald.endpoint.enabled says who turned it on: a person (MANUAL, toggleEndpoint) or Herald
-- itself after a recovery probe answered 2xx (AUTOMATIC).
UPDATE "event_types" SET
  "description" = 'A disabled endpoint was turned on again: by hand (MANUAL, toggleEndpoint) or by Herald after a recovery probe answered 2xx (AUTOMATIC, docs/recovery.md); its failure count starts from zero.',
  "schema" = '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "reason"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "reason": { "enum": ["MANUAL", "AUTOMATIC"], "description": "MANUAL: toggleEndpoint; AUTOMATIC: a recovery probe of an endpoint disabled as FAILING answered 2xx" }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "reason": "AUTOMATIC" }]
}'::jsonb
WHERE "name" = 'herald.endpoint.enabled';
