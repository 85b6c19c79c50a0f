import { randomBytes } from 'node:crypto';
import { generateApiKey, hashApiKey, tokensMatch } from '../auth/api-key-token.ts';
import { parseScopes, type Scope } from '../auth/scopes.ts';
import { checkedQuery, sqlTypes, type SqlClient } from '../db/checked-sql.ts';
import type { Db } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ApiKeyKind } from '../generated/prisma/enums.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import type { KeyRefusal, Principal } from '../auth/principal.ts';
import { featureFlagIssue } from '../event-types/catalog-view.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../audit/audit-log.ts';
import { auditKeyCreated, auditKeyRevoked } from '../audit/key-audit.ts';

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself: shown once, never stored. */
  token: string;
}

export async function createAdminKey(db: Db, name = '', actor: AuditActor = SYSTEM_ACTOR): Promise<CreatedApiKey> {
  const { token, prefix, hash } = generateApiKey('ADMIN', randomBytes);
  const apiKey = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({ data: { kind: 'ADMIN', name, prefix, hash: Uint8Array.from(hash), scopes: [] } });
    await auditKeyCreated(tx, actor, created);
    return created;
  });
  return { apiKey, token };
}

export async function createOrganizationKey(
  db: Db,
  input: {
    organizationId: string;
    name?: string | null | undefined;
    scopes?: readonly string[] | null | undefined;
    featureFlags?: readonly string[] | null | undefined;
  },
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<CreatedApiKey> {
  const scopes = parseScopes(input.scopes ?? undefined);
  if (!scopes.ok) throw ValidationError.of(['scopes'], scopes.message);
  const featureFlags = [...new Set(input.featureFlags ?? [])];
  const flagIssue = featureFlagIssue(featureFlags);
  if (flagIssue) throw ValidationError.of(['featureFlags'], flagIssue);
  const name = (input.name ?? '').trim();
  if (name.length > 255) throw ValidationError.of(['name'], 'must be at most 255 characters');
  const organization = await db.organization.findUnique({ where: { id: input.organizationId } });
  if (!organization) throw new NotFoundError('Organization');
  const { token, prefix, hash } = generateApiKey('ORGANIZATION', randomBytes);
  const apiKey = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { kind: 'ORGANIZATION', organizationId: organization.id, name, prefix, hash: Uint8Array.from(hash), scopes: scopes.scopes, featureFlags },
    });
    await auditKeyCreated(tx, actor, created);
    return created;
  });
  return { apiKey, token };
}

/**
 * Revokes the key and, in the same transaction, every portal session it minted: a session is cut
 * from its minter's authority and must not outlive it. Revoking the sessions (rather than checking
 * the minter on every request) keeps authentication one indexed lookup, and every re-check that
 * closes sockets and SSE streams (keyChecks, revokedAmong) sees the sessions as revoked keys.
 * The key's row is updated first: a concurrent mint holds it FOR SHARE (createPortalSession).
 */
export async function revokeApiKey(db: Db, id: string, now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<ApiKey> {
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key) throw new NotFoundError('API key');
    if (key.revokedAt) return key;
    const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
    const sessions = await tx.apiKey.updateMany({ where: { mintedByKeyId: id, revokedAt: null }, data: { revokedAt: now } });
    await auditKeyRevoked(tx, actor, revoked, sessions.count);
    return revoked;
  });
}

/** A stored key's standing at `now`: an expired key is refused like a revoked one. */
export function keyStanding(key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): 'VALID' | KeyRefusal {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'VALID';
}

export type Authentication = { ok: true; principal: Principal } | { ok: false; reason: KeyRefusal | 'UNKNOWN' };

const { uuid, bytea, timestamptz, nullable, textArray } = sqlTypes;

/** Every request's first statement: run on the pool directly, not through Prisma (src/db/prisma.ts). */
export const KEY_BY_HASH = checkedQuery({
  name: 'key by hash',
  columns: {
    id: uuid,
    kind: sqlTypes.enum<ApiKeyKind>('ApiKeyKind'),
    organizationId: nullable(uuid),
    hash: bytea,
    scopes: textArray,
    revokedAt: nullable(timestamptz),
    expiresAt: nullable(timestamptz),
    featureFlags: textArray,
    seesOperationalEventTypes: sqlTypes.bool,
    brandName: nullable(sqlTypes.text),
  },
  sample: { hash: Buffer.alloc(32) as Buffer },
  sql: ({ hash }: { hash: Buffer }) => Prisma.sql`
    SELECT id, kind, organization_id AS "organizationId", hash, COALESCE(scopes, '{}') AS scopes,
           revoked_at AS "revokedAt", expires_at AS "expiresAt", COALESCE(feature_flags, '{}') AS "featureFlags",
           sees_operational_event_types AS "seesOperationalEventTypes", brand_name AS "brandName"
      FROM api_keys WHERE hash = ${hash}`,
});

/**
 * The principal behind a bearer key, or why there is none. The lookup is by the key's SHA-256
 * (unique index), then the digests are compared in constant time.
 */
export async function authenticateKey(sql: SqlClient, token: string, now = new Date()): Promise<Authentication> {
  const [key] = await KEY_BY_HASH.run(sql, { hash: hashApiKey(token) });
  if (!key || !tokensMatch(Buffer.from(key.hash), token)) return { ok: false, reason: 'UNKNOWN' };
  const standing = keyStanding(key, now);
  if (standing !== 'VALID') return { ok: false, reason: standing };
  if (key.kind === 'ADMIN') return { ok: true, principal: { kind: 'admin', keyId: key.id } };
  if (!key.organizationId) return { ok: false, reason: 'UNKNOWN' };
  const organizationKey = {
    kind: 'organization' as const,
    keyId: key.id,
    organizationId: key.organizationId,
    scopes: new Set(key.scopes as Scope[]),
    featureFlags: new Set(key.featureFlags),
    seesOperationalEventTypes: key.seesOperationalEventTypes,
  };
  if (key.kind === 'PORTAL') {
    // A session without an expiry would be a long-lived key in a browser: never accepted.
    if (!key.expiresAt) return { ok: false, reason: 'UNKNOWN' };
    return { ok: true, principal: { ...organizationKey, session: { expiresAt: key.expiresAt, brandName: key.brandName } } };
  }
  return { ok: true, principal: organizationKey };
}

/** The principal behind a bearer key, or null for an unknown, revoked or expired key. */
export async function authenticate(sql: SqlClient, token: string): Promise<Principal | null> {
  const result = await authenticateKey(sql, token);
  return result.ok ? result.principal : null;
}

/** How long a subscription trusts its key before looking again (a revocation takes effect within). */
export const KEY_RECHECK_MS = 1_000;
/**
 * Long-lived subscriptions authenticate once, at connection; `stillAuthorized` re-reads the key at
 * most every KEY_RECHECK_MS while events flow, so a revoked key stops receiving. One check per key
 * and interval for the whole process (one KeyChecks in AppServices), shared by every subscription
 * of that key: with a check per subscription, 1,000 dashboards on one key cost 1,000 queries a
 * second (measured by `npm run bench`, live status).
 */
export interface KeyChecks {
  stillAuthorized(keyId: string, now?: number): Promise<boolean>;
}

export function createKeyChecks(db: Db): KeyChecks {
  const checks = new Map<string, { at: number; valid: Promise<boolean> }>();
  return {
    stillAuthorized(keyId, now = Date.now()) {
      const check = checks.get(keyId);
      if (check && now - check.at < KEY_RECHECK_MS) return check.valid;
      if (checks.size > 10_000) {
        for (const [id, old] of checks) if (now - old.at >= KEY_RECHECK_MS) checks.delete(id);
      }
      const valid = db.apiKey
        .findUnique({ where: { id: keyId }, select: { revokedAt: true, expiresAt: true } })
        .then((key) => !!key && keyStanding(key, new Date(now)) === 'VALID');
      // A failed read is not remembered: the next event asks again.
      valid.catch(() => checks.delete(keyId));
      checks.set(keyId, { at: now, valid });
      return valid;
    },
  };
}

/**
 * Which of `keyIds` are revoked, expired or gone, in one query: the graphql-ws layer asks this every few
 * seconds for the keys holding open sockets, so an idle subscription of a revoked key is closed
 * too (stillAuthorized only runs when an event arrives, and costs a query per key).
 */
export async function revokedAmong(db: Db, keyIds: readonly string[], now = new Date()): Promise<Set<string>> {
  const valid = new Set<string>();
  // Bounded batches keep every query well under PostgreSQL's bind-parameter limit.
  for (let start = 0; start < keyIds.length; start += 5_000) {
    const rows = await db.apiKey.findMany({
      // The same rule as keyStanding, in SQL.
      where: { id: { in: keyIds.slice(start, start + 5_000) }, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      select: { id: true },
    });
    for (const row of rows) valid.add(row.id);
  }
  return new Set(keyIds.filter((id) => !valid.has(id)));
}
