// The audit log's one writer. Every configuration change calls recordAudit with the transaction
// that makes the change, so an entry exists exactly when the change commits: a mutation refused
// by a typed error, or rolled back later, leaves none (docs/audit-log.md).
import type { Principal } from '../auth/principal.ts';
import type { Db, Tx } from '../db/prisma.ts';
import type { AuditChanges } from '../engine/audit-diff.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { AuditActorKind } from '../generated/prisma/enums.ts';
import { encodeGlobalId } from '../global-id.ts';
import { uuidv7 } from '../uuid7.ts';

export const AUDIT_ACTIONS = [
  'endpoint.created',
  'endpoint.updated',
  'endpoint.deleted',
  'endpoint.disabled',
  'endpoint.enabled',
  'endpoint.secret_rotated',
  'endpoint.paused',
  'endpoint.resumed',
  'key.created',
  'key.revoked',
  'portal_session.created',
  'portal_session.revoked',
  'event_type.created',
  'event_type.updated',
  'event_type.deprecated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made a change: the key's row id, or none for SYSTEM (the CLI, start-up). */
export interface AuditActor {
  kind: AuditActorKind;
  keyId: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'SYSTEM', keyId: null };

export function auditActorOf(principal: Principal | null | undefined): AuditActor {
  if (!principal) return SYSTEM_ACTOR;
  if (principal.kind === 'admin') return { kind: 'ADMIN', keyId: principal.keyId };
  return { kind: principal.session ? 'PORTAL_SESSION' : 'ORGANIZATION_KEY', keyId: principal.keyId };
}

/**
 * The actor behind the services a domain function was handed: the API hands its request context
 * (which carries the principal) as the services; the CLI hands bare services and acts as SYSTEM.
 */
export function auditActorOfServices(services: object): AuditActor {
  return 'principal' in services ? auditActorOf(services.principal as Principal | null) : SYSTEM_ACTOR;
}

export interface AuditEntryInput {
  action: AuditAction;
  actor: AuditActor;
  /** The organization the change belongs to; null for deployment-wide things (event types, admin keys). */
  organizationId: string | null;
  /** Global id of what changed (ep_…, key_…, org_…), or an event type's name. */
  targetId: string;
  changes: AuditChanges;
}

export async function recordAudit(tx: Tx, entry: AuditEntryInput): Promise<void> {
  // `at` and the UUIDv7 id share one clock reading, so the id bounds of a time range are exact.
  const now = Date.now();
  await tx.auditEntry.create({
    data: {
      id: uuidv7(now),
      organizationId: entry.organizationId,
      action: entry.action,
      actorKind: entry.actor.kind,
      actorKeyId: entry.actor.keyId,
      targetId: entry.targetId,
      at: new Date(now),
      changes: entry.changes as Prisma.InputJsonValue,
    },
  });
}

/** The actor's id as the API shows it: the key's global id. */
export function actorGlobalId(keyId: string | null): string | null {
  return keyId === null ? null : encodeGlobalId('ApiKey', keyId);
}

/**
 * The smallest UUIDv7 of a millisecond: entries at or after `at` have ids ≥ it, so a time range is
 * an id range on the (organization_id, id) index.
 */
export function auditIdFloor(at: Date): string {
  const hex = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Retention (src/worker/retention.ts): entries older than the cutoff go, by the primary key's range. */
export async function purgeAuditEntries(db: Db, cutoff: Date): Promise<number> {
  const { count } = await db.auditEntry.deleteMany({ where: { id: { lt: auditIdFloor(cutoff) } } });
  return count;
}
