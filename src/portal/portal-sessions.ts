// Portal sessions: short-lived keys of one organization for the webhooks portal, so that no
// organization key ever sits in a browser. A session is an api_keys row of kind PORTAL with an
// expiry, so hashing, lookup, revocation and the subscription re-checks are the keys' own.
import { randomBytes } from 'node:crypto';
import { generateApiKey } from '../auth/api-key-token.ts';
import { ORGANIZATION_SCOPES, parseScopes, type Scope } from '../auth/scopes.ts';
import type { HeraldConfig } from '../config/config.ts';
import type { Db } from '../db/prisma.ts';
import { InvalidStateError, LimitExceededError, NotFoundError, ValidationError } from '../errors.ts';
import { Prisma, type ApiKey } from '../generated/prisma/client.ts';
import { featureFlagIssue } from '../event-types/catalog-view.ts';
import { checkBrandName, checkPortalTheme, type PortalTheme } from './portal-theme.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../audit/audit-log.ts';
import { auditKeyCreated, auditPortalSessionsRevoked } from '../audit/key-audit.ts';

export const DEFAULT_SESSION_SECONDS = 3_600;
export const MAX_SESSION_SECONDS = 86_400;

/**
 * What the portal's pages use, and so what a session holds unless scopes are named: the endpoint
 * pages read and write endpoints, the delivery log reads and retries or replays deliveries, and a
 * delivery's page shows its event's payload (events:read). Never `events:publish`: a browser token
 * that publishes could forge events signed with the endpoints' real secrets and take the backend's
 * idempotency keys. It is given only when named in `scopes`.
 */
export const PORTAL_DEFAULT_SCOPES: readonly Scope[] = ['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:read', 'deliveries:write'];

/** Who mints a session: an admin key may give any scope, an organization key only its own. */
export type SessionMinter = { kind: 'admin' } | { kind: 'organization'; scopes: ReadonlySet<Scope>; featureFlags: ReadonlySet<string> };

export interface SessionRequest {
  /** Default: PORTAL_DEFAULT_SCOPES, those of them the minter holds. */
  scopes?: readonly string[] | null | undefined;
  /** Keeps only the `*:read` scopes. */
  readOnly?: boolean | null | undefined;
  expiresInSeconds?: number | null | undefined;
  /** Feature flags the session holds; an organization key gives only flags it holds. */
  featureFlags?: readonly string[] | null | undefined;
  /** Show Herald's operational event types and webhook.test in the session's catalog. */
  includeOperationalEventTypes?: boolean | null | undefined;
  /** The integrator's product name, shown in the portal's header and test webhooks. */
  brandName?: string | null | undefined;
  /** The portal's colours, radius and font (src/portal/portal-theme.ts). */
  theme?: PortalTheme | null | undefined;
}

export interface SessionGrant {
  scopes: Scope[];
  seconds: number;
  featureFlags: string[];
  seesOperationalEventTypes: boolean;
  brandName: string | null;
  /** Null: the portal's own look. */
  theme: PortalTheme | null;
}

/** The scopes and lifetime of a new session, or the ValidationError that refuses it. Pure. */
export function sessionGrant(minter: SessionMinter, request: SessionRequest): SessionGrant {
  const seconds = request.expiresInSeconds ?? DEFAULT_SESSION_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SESSION_SECONDS) {
    throw ValidationError.of(['expiresInSeconds'], `must be a whole number of seconds from 1 to ${MAX_SESSION_SECONDS} (24 hours)`);
  }
  const allowed: readonly Scope[] = minter.kind === 'admin' ? ORGANIZATION_SCOPES : [...minter.scopes];
  let scopes: Scope[];
  if (request.scopes == null || request.scopes.length === 0) {
    scopes = PORTAL_DEFAULT_SCOPES.filter((scope) => allowed.includes(scope));
  } else {
    const parsed = parseScopes(request.scopes);
    if (!parsed.ok) throw ValidationError.of(['scopes'], parsed.message);
    const beyond = parsed.scopes.filter((scope) => !allowed.includes(scope));
    if (beyond.length > 0) throw ValidationError.of(['scopes'], `this key cannot give scopes it does not hold: ${beyond.join(', ')}`);
    scopes = parsed.scopes;
  }
  if (request.readOnly) scopes = scopes.filter(isReadScope);
  // An empty list would read as "every scope" wherever scopes are parsed again: never stored.
  if (scopes.length === 0) throw ValidationError.of([request.readOnly ? 'readOnly' : 'scopes'], 'the session would have no scope');
  const featureFlags = [...new Set(request.featureFlags ?? [])].sort();
  const flagIssue = featureFlagIssue(featureFlags);
  if (flagIssue) throw ValidationError.of(['featureFlags'], flagIssue);
  if (minter.kind === 'organization') {
    const beyond = featureFlags.filter((flag) => !minter.featureFlags.has(flag));
    if (beyond.length > 0) throw ValidationError.of(['featureFlags'], `this key cannot give feature flags it does not hold: ${beyond.join(', ')}`);
  }
  const brand = checkBrandName(request.brandName);
  if (!brand.ok) throw ValidationError.of(['brandName'], brand.message);
  let theme: PortalTheme | null = null;
  if (request.theme != null) {
    const checked = checkPortalTheme(request.theme);
    if (!checked.ok) throw new ValidationError(checked.issues.map((issue) => ({ path: ['theme', ...issue.path], message: issue.message })));
    theme = Object.keys(checked.theme).length > 0 ? checked.theme : null;
  }
  return {
    scopes: ORGANIZATION_SCOPES.filter((scope) => scopes.includes(scope)),
    seconds,
    featureFlags,
    seesOperationalEventTypes: request.includeOperationalEventTypes ?? false,
    brandName: brand.value,
    theme,
  };
}

export function isReadScope(scope: string): boolean {
  return scope.endsWith(':read');
}

/** True when every scope only reads (a read-only session, or a key that was given read scopes only). */
export function isReadOnly(scopes: Iterable<string>): boolean {
  return [...scopes].every(isReadScope);
}

export interface CreatedPortalSession {
  session: ApiKey;
  /** Shown once, never stored. */
  token: string;
  expiresAt: Date;
  url: string;
}

/**
 * Writes the session, refusing it past HERALD_MAX_PORTAL_SESSIONS_PER_ORG live sessions. `mintedByKeyId`
 * (null from the CLI) is recorded so that revoking that key revokes the session (revokeApiKey).
 */
export async function createPortalSession(
  db: Db,
  config: Pick<HeraldConfig, 'publicUrl' | 'port' | 'maxPortalSessionsPerOrg'>,
  organizationId: string,
  grant: Pick<SessionGrant, 'scopes' | 'seconds'> & Partial<SessionGrant>,
  { mintedByKeyId = null, now = new Date(), actor = SYSTEM_ACTOR }: { mintedByKeyId?: string | null; now?: Date; actor?: AuditActor } = {},
): Promise<CreatedPortalSession> {
  const { token, prefix, hash } = generateApiKey('PORTAL', randomBytes);
  const expiresAt = new Date(now.getTime() + grant.seconds * 1_000);
  const session = await db.$transaction(async (tx) => {
    // The organization's row lock makes the count and the insert one step: concurrent mints of one
    // organization wait for each other, so the cap is never passed (FOR NO KEY UPDATE does not block
    // the inserts of endpoints or events that reference the row).
    const organizations = await tx.$executeRaw`SELECT 1 FROM organizations WHERE id = ${organizationId}::uuid FOR NO KEY UPDATE`;
    if (organizations === 0) throw new NotFoundError('Organization');
    if (mintedByKeyId !== null) {
      // Held until commit: a revocation of the minter (which updates its row) waits for this mint and
      // then revokes the new session with the others, or this mint waits for it and sees it revoked.
      const minters = await tx.$executeRaw`SELECT 1 FROM api_keys WHERE id = ${mintedByKeyId}::uuid AND revoked_at IS NULL FOR SHARE`;
      if (minters === 0) throw new InvalidStateError('The key minting this session was revoked.', 'REVOKED');
    }
    const live = await tx.apiKey.count({ where: { kind: 'PORTAL', organizationId, revokedAt: null, expiresAt: { gt: now } } });
    if (live >= config.maxPortalSessionsPerOrg) {
      throw new LimitExceededError(
        `An organization may hold at most ${config.maxPortalSessionsPerOrg} live portal sessions (HERALD_MAX_PORTAL_SESSIONS_PER_ORG); revoke them with revokePortalSessions or wait for some to expire.`,
        config.maxPortalSessionsPerOrg,
      );
    }
    const created = await tx.apiKey.create({
      data: {
        kind: 'PORTAL',
        organizationId,
        name: 'portal session',
        prefix,
        hash: Uint8Array.from(hash),
        scopes: grant.scopes,
        featureFlags: grant.featureFlags ?? [],
        seesOperationalEventTypes: grant.seesOperationalEventTypes ?? false,
        brandName: grant.brandName ?? null,
        portalTheme: grant.theme ? { ...grant.theme } : Prisma.DbNull,
        expiresAt,
        mintedByKeyId,
      },
    });
    await auditKeyCreated(tx, actor, created);
    return created;
  });
  return { session, token, expiresAt, url: portalUrl(config, token) };
}

/** The portal's address with the token in the fragment, which browsers never send to a server (nor to its logs). */
export function portalUrl(config: Pick<HeraldConfig, 'publicUrl' | 'port'>, token: string): string {
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  return `${base.replace(/\/+$/, '')}/portal/#token=${encodeURIComponent(token)}`;
}

/** Revokes every live session of the organization at once; answers how many. */
export async function revokePortalSessions(db: Db, organizationId: string, now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  const organization = await db.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
  if (!organization) throw new NotFoundError('Organization');
  return db.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({
      where: { kind: 'PORTAL', organizationId, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now },
    });
    // Revoking none changes nothing, and records nothing.
    if (count > 0) await auditPortalSessionsRevoked(tx, actor, organizationId, count);
    return count;
  });
}
