// What the audit log records of keys and portal sessions: their kind, name, scopes, flags and
// lifetime, never the key itself (only its hash is stored anyway) nor the portal theme's details.
import type { Tx } from '../db/prisma.ts';
import { diffFields } from '../engine/audit-diff.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import { encodeGlobalId } from '../global-id.ts';
import { recordAudit, type AuditActor } from './audit-log.ts';

function keyFields(key: ApiKey) {
  return {
    kind: key.kind,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    featureFlags: key.featureFlags,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    ...(key.kind === 'PORTAL' ? { brandName: key.brandName, includeOperationalEventTypes: key.seesOperationalEventTypes } : {}),
  };
}

/** key.created or portal_session.created, in the transaction that wrote the key. */
export async function auditKeyCreated(tx: Tx, actor: AuditActor, key: ApiKey): Promise<void> {
  await recordAudit(tx, {
    action: key.kind === 'PORTAL' ? 'portal_session.created' : 'key.created',
    actor,
    organizationId: key.organizationId,
    targetId: encodeGlobalId('ApiKey', key.id),
    changes: diffFields(null, keyFields(key)),
  });
}

/** key.revoked, with how many portal sessions it had minted went with it. */
export async function auditKeyRevoked(tx: Tx, actor: AuditActor, key: ApiKey, sessionsRevoked: number): Promise<void> {
  await recordAudit(tx, {
    action: 'key.revoked',
    actor,
    organizationId: key.organizationId,
    targetId: encodeGlobalId('ApiKey', key.id),
    changes: {
      revokedAt: { before: null, after: key.revokedAt?.toISOString() ?? null },
      ...(sessionsRevoked > 0 ? { liveSessionsMinted: { before: sessionsRevoked, after: 0 } } : {}),
    },
  });
}

/** portal_session.revoked: one entry for the organization's sessions revoked at once. */
export async function auditPortalSessionsRevoked(tx: Tx, actor: AuditActor, organizationId: string, revoked: number): Promise<void> {
  await recordAudit(tx, {
    action: 'portal_session.revoked',
    actor,
    organizationId,
    targetId: encodeGlobalId('Organization', organizationId),
    changes: { liveSessions: { before: revoked, after: 0 } },
  });
}
