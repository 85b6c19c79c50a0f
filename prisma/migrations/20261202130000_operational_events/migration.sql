-- Operational events: Herald tells the operator (and each organization, about itself) when
-- endpoints are disabled, re-enabled or recover, and when deliveries fail (docs/operational-events.md).

-- The operator organization: the one whose endpoints admin keys manage. Its slug cannot be made by
-- createOrganization (slugs start with a letter or digit), so it clashes with no customer.
INSERT INTO "organizations" ("id", "slug", "name")
VALUES ('00000000-0000-0000-0000-000000000001', '_operator', 'Operator');

-- AlterTable: when the endpoint started failing, as announced by a `herald.delivery.failing` or
-- `herald.delivery.exhausted` event; cleared (announcing `herald.endpoint.recovered`) by its next success.
ALTER TABLE "endpoints" ADD COLUMN "failing_since" TIMESTAMPTZ(3);

-- The catalog entries, with the JSON Schema of each payload. Herald alone publishes `herald.*`.
INSERT INTO "event_types" ("name", "description", "schema") VALUES
('herald.endpoint.disabled', 'An endpoint was turned off: by hand (MANUAL), after too many failed deliveries in a row (FAILING), or on 410 Gone (GONE).', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "reason", "consecutiveFailures", "failingSince"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "reason": { "enum": ["MANUAL", "FAILING", "GONE"] },
    "consecutiveFailures": { "type": "integer", "minimum": 0 },
    "failingSince": { "type": ["string", "null"], "description": "ISO 8601, UTC" }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "reason": "FAILING", "consecutiveFailures": 10, "failingSince": "2026-12-02T10:00:00.000Z" }]
}'::jsonb),
('herald.endpoint.enabled', 'A disabled endpoint was turned on again (toggleEndpoint); its failure count starts from zero.', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks" }]
}'::jsonb),
('herald.endpoint.recovered', 'An endpoint that was failing (a delivery of it was announced failing or exhausted) received a delivery again.', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "failingSince", "deliveryId", "eventId"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "failingSince": { "type": "string", "description": "ISO 8601, UTC" },
    "deliveryId": { "type": "string", "pattern": "^dlv_[0-9a-f]{32}$", "description": "The delivery that succeeded." },
    "eventId": { "type": "string", "pattern": "^evt_[0-9a-f]{32}$" }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "failingSince": "2026-12-02T10:00:00.000Z", "deliveryId": "dlv_019ae0c2a4a87a2c9f3c1a2b3c4d5e71", "eventId": "evt_019ae0c2a4a87a2c9f3c1a2b3c4d5e72" }]
}'::jsonb),
('herald.delivery.failing', 'A delivery failed HERALD_FAILING_AFTER_ATTEMPTS attempts in a row and will be retried.', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "deliveryId", "eventId", "eventType", "attemptCount", "nextAttemptAt", "lastAttempt"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "deliveryId": { "type": "string", "pattern": "^dlv_[0-9a-f]{32}$" },
    "eventId": { "type": "string", "pattern": "^evt_[0-9a-f]{32}$" },
    "eventType": { "type": "string" },
    "attemptCount": { "type": "integer", "minimum": 1 },
    "nextAttemptAt": { "type": "string", "description": "ISO 8601, UTC" },
    "lastAttempt": { "$ref": "#/$defs/attempt" }
  },
  "$defs": {
    "attempt": {
      "type": "object",
      "required": ["number", "startedAt", "responseStatus", "errorKind", "errorMessage"],
      "additionalProperties": false,
      "properties": {
        "number": { "type": "integer", "minimum": 1 },
        "startedAt": { "type": "string", "description": "ISO 8601, UTC" },
        "responseStatus": { "type": ["integer", "null"] },
        "errorKind": { "enum": ["TIMEOUT", "CONNECTION", "DNS", "TLS", "BLOCKED_ADDRESS", "RESPONSE_TOO_LARGE", "HTTP_STATUS", null] },
        "errorMessage": { "type": ["string", "null"] }
      }
    }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "deliveryId": "dlv_019ae0c2a4a87a2c9f3c1a2b3c4d5e71", "eventId": "evt_019ae0c2a4a87a2c9f3c1a2b3c4d5e72", "eventType": "invoice.paid", "attemptCount": 3, "nextAttemptAt": "2026-12-02T10:35:00.000Z", "lastAttempt": { "number": 3, "startedAt": "2026-12-02T10:05:00.000Z", "responseStatus": 500, "errorKind": "HTTP_STATUS", "errorMessage": "HTTP 500" } }]
}'::jsonb),
('herald.delivery.exhausted', 'A delivery failed for good: its last attempt failed (or the endpoint answered 410 Gone).', '{
  "type": "object",
  "required": ["organizationId", "organizationSlug", "endpointId", "endpointUrl", "deliveryId", "eventId", "eventType", "attemptCount", "lastAttempt"],
  "additionalProperties": false,
  "properties": {
    "organizationId": { "type": "string", "pattern": "^org_[0-9a-f]{32}$" },
    "organizationSlug": { "type": "string" },
    "endpointId": { "type": "string", "pattern": "^ep_[0-9a-f]{32}$" },
    "endpointUrl": { "type": "string" },
    "deliveryId": { "type": "string", "pattern": "^dlv_[0-9a-f]{32}$" },
    "eventId": { "type": "string", "pattern": "^evt_[0-9a-f]{32}$" },
    "eventType": { "type": "string" },
    "attemptCount": { "type": "integer", "minimum": 1 },
    "lastAttempt": { "$ref": "#/$defs/attempt" }
  },
  "$defs": {
    "attempt": {
      "type": "object",
      "required": ["number", "startedAt", "responseStatus", "errorKind", "errorMessage"],
      "additionalProperties": false,
      "properties": {
        "number": { "type": "integer", "minimum": 1 },
        "startedAt": { "type": "string", "description": "ISO 8601, UTC" },
        "responseStatus": { "type": ["integer", "null"] },
        "errorKind": { "enum": ["TIMEOUT", "CONNECTION", "DNS", "TLS", "BLOCKED_ADDRESS", "RESPONSE_TOO_LARGE", "HTTP_STATUS", null] },
        "errorMessage": { "type": ["string", "null"] }
      }
    }
  },
  "examples": [{ "organizationId": "org_019ae0c2a4a87a2c9f3c1a2b3c4d5e6f", "organizationSlug": "acme", "endpointId": "ep_019ae0c2a4a87a2c9f3c1a2b3c4d5e70", "endpointUrl": "https://acme.example/hooks", "deliveryId": "dlv_019ae0c2a4a87a2c9f3c1a2b3c4d5e71", "eventId": "evt_019ae0c2a4a87a2c9f3c1a2b3c4d5e72", "eventType": "invoice.paid", "attemptCount": 5, "lastAttempt": { "number": 5, "startedAt": "2026-12-02T12:35:00.000Z", "responseStatus": null, "errorKind": "TIMEOUT", "errorMessage": "no answer within 30s" } }]
}'::jsonb);
