// What the audit log records of an endpoint: its settings, with custom header values (often the
// receiver's credentials) compared in the clear but written as "[redacted]". The signing secret is
// not a field here at all: a rotation says only that it happened.
import { createHash } from 'node:crypto';
import type { Tx } from '../db/prisma.ts';
import { diffFields, REDACTED, type AuditChanges, type AuditFields, type AuditValue } from '../engine/audit-diff.ts';
import { openHeaders } from '../endpoints/custom-headers.ts';
import type { EncryptionKey } from '../endpoints/secret-box.ts';
import type { Endpoint } from '../generated/prisma/client.ts';
import { encodeGlobalId } from '../global-id.ts';
import { endpointChangedEvent } from '../engine/operational-events.ts';
import { writeOperationalEvents } from '../operational-events/write-events.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import type { DeliveryQueue } from '../worker/queue.ts';
import { actorGlobalId, auditActorOfServices, recordAudit, type AuditAction } from './audit-log.ts';

export function endpointAuditFields(endpoint: Endpoint, keys: readonly EncryptionKey[]): AuditFields {
  return {
    url: endpoint.url,
    name: endpoint.name,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    projects: endpoint.projects,
    headers: openHeaders(endpoint.headers, keys, endpoint.id).map(({ name, value }) => ({ name, value })),
    rateLimit: endpoint.rateLimitPerSecond === null ? null : { perSecond: endpoint.rateLimitPerSecond, burst: endpoint.rateLimitBurst },
    filter: (endpoint.filter ?? null) as AuditValue,
    signatureScheme: endpoint.signatureScheme,
    active: endpoint.active,
    propagateTraceContext: endpoint.propagateTraceContext,
    authentication: receiverCredential(endpoint.oauth2, 'clientSecretSealed'),
    tls: receiverCredential(endpoint.tls, 'clientKeySealed'),
  };
}

/**
 * An OAuth2 or TLS setting as the audit log keeps it: every public part, and in place of the
 * sealed secret an opaque tag of its ciphertext — a replaced secret shows as changed, its value
 * never (a tag of random-IV ciphertext says nothing of the secret).
 */
function receiverCredential(column: unknown, sealedField: 'clientSecretSealed' | 'clientKeySealed'): AuditValue {
  if (column === null || column === undefined || typeof column !== 'object') return null;
  const { [sealedField]: sealed, ...shown } = column as Record<string, unknown>;
  const tag = typeof sealed === 'string' && sealed !== '' ? `${REDACTED}:${createHash('sha256').update(sealed).digest('hex').slice(0, 8)}` : null;
  return { ...(shown as Record<string, AuditValue>), [sealedField === 'clientSecretSealed' ? 'clientSecret' : 'clientKey']: tag };
}

function redactHeaderValues(field: string, value: AuditValue): AuditValue {
  if (field !== 'headers' || !Array.isArray(value)) return value;
  return value.map((header) => (header !== null && typeof header === 'object' && !Array.isArray(header) ? { ...header, value: REDACTED } : header));
}

export function endpointChanges(before: Endpoint | null, after: Endpoint | null, keys: readonly EncryptionKey[]): AuditChanges {
  return diffFields(before && endpointAuditFields(before, keys), after && endpointAuditFields(after, keys), redactHeaderValues);
}

/**
 * Records one endpoint change in `tx`. `services` is what the endpoint function was handed (the
 * request's context in the API). An update that changed nothing records nothing.
 */
export async function auditEndpoint(
  tx: Tx,
  services: { encryptionKeys: readonly EncryptionKey[] },
  action: AuditAction,
  before: Endpoint | null,
  after: Endpoint | null,
  extra: AuditChanges = {},
): Promise<AuditChanges | null> {
  const endpoint = after ?? before;
  if (!endpoint) return null;
  const changes = { ...endpointChanges(before, after, services.encryptionKeys), ...extra };
  if (action === 'endpoint.updated' && Object.keys(changes).length === 0) return null;
  await recordAudit(tx, {
    action,
    actor: auditActorOfServices(services),
    organizationId: endpoint.organizationId,
    targetId: encodeGlobalId('Endpoint', endpoint.id),
    changes,
  });
  return changes;
}

const ANNOUNCED: Partial<Record<AuditAction, 'herald.endpoint.created' | 'herald.endpoint.updated' | 'herald.endpoint.deleted'>> = {
  'endpoint.created': 'herald.endpoint.created',
  'endpoint.updated': 'herald.endpoint.updated',
  'endpoint.secret_rotated': 'herald.endpoint.updated',
  'endpoint.deleted': 'herald.endpoint.deleted',
};

/**
 * An endpoint change, recorded and announced in `tx`: the audit entry, and for a creation, an
 * update (a rotation is an update of `secret`) or a deletion its operational event
 * (docs/operational-events.md). Toggles announce herald.endpoint.disabled/enabled themselves.
 */
export async function recordEndpointChange(
  tx: Tx,
  services: { encryptionKeys: readonly EncryptionKey[]; queue: DeliveryQueue },
  action: AuditAction,
  before: Endpoint | null,
  after: Endpoint | null,
  extra: AuditChanges = {},
): Promise<void> {
  const changes = await auditEndpoint(tx, services, action, before, after, extra);
  const endpoint = after ?? before;
  const type = ANNOUNCED[action];
  // The operator's own endpoints (admin keys manage them) are not announced to the operator: it
  // made the change, and an operator endpoint must not hear of itself (the no-loop rule).
  if (!changes || !endpoint || !type || endpoint.organizationId === OPERATOR_ORGANIZATION_ID) return;
  const actor = auditActorOfServices(services);
  const event = endpointChangedEvent(
    type,
    endpoint.organizationId,
    { id: encodeGlobalId('Endpoint', endpoint.id), url: endpoint.url },
    { kind: actor.kind, id: actorGlobalId(actor.keyId) },
    Object.keys(changes),
  );
  await writeOperationalEvents(tx, services.queue, [event]);
}

/** A rotation's entry: that the secret changed, never what it was or is. */
export const SECRET_ROTATED: AuditChanges = { secret: { before: REDACTED, after: REDACTED } };
