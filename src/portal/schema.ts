// Portal sessions in the API: minted and revoked by an admin key for any organization, or by an
// organization key for its own. A session cannot mint or revoke sessions (a browser token must not
// outlive its expiry by minting its successor). Each minting key is rate-limited (RateLimitedError),
// each organization's live sessions are bounded (LimitExceededError), and a session dies with the
// key that minted it (revokeApiKey).
import { builder } from '../graphql/builder.ts';
import type { Context } from '../graphql/context.ts';
import { InvalidStateError, LimitExceededError, NotFoundError, RateLimitedError, ValidationError } from '../graphql/error-types.ts';
import { idOfType } from '../global-id.ts';
import { ApiKeyRef } from '../api-keys/schema.ts';
import { createPortalSession, revokePortalSessions, sessionGrant, type CreatedPortalSession, type SessionMinter } from './portal-sessions.ts';

const CreatePortalSessionInput = builder.inputType('CreatePortalSessionInput', {
  description: 'A portal session to mint: for which organization, for how long, with what scopes.',
  fields: (t) => ({
    organizationId: t.id({ description: 'Required with an admin key; an organization key mints for its own organization.' }),
    expiresInSeconds: t.int({ description: 'Default 3600 (1 hour), at most 86400 (24 hours).' }),
    readOnly: t.boolean({ description: 'Keep only the *:read scopes: the portal can look but not change.' }),
    featureFlags: t.stringList({
      description: 'Feature flags the session holds: the portal shows the event types flagged with one of them. An organization key gives only flags it holds. Default: none.',
    }),
    includeOperationalEventTypes: t.boolean({
      description: "Show Herald's operational event types (herald.*) and webhook.test in the portal's catalog and event picker (default false: the customer sees the product's own types).",
    }),
    scopes: t.stringList({ description: 'Default: what the portal uses (endpoints:read/write, events:read, deliveries:read/write), those of them the minting key holds; never events:publish unless named. Never more than the minting key holds.' }),
  }),
});

const CreatePortalSessionPayload = builder.objectRef<CreatedPortalSession>('CreatePortalSessionPayload').implement({
  description: 'The session minted: hand `url` (or `token`) to the browser; neither is shown again.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The session key (hrld_portal_…). Shown this once.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the session stops working.' }),
    url: t.exposeString('url', { description: 'The portal with the token in the fragment (#token=…), which browsers do not send to servers.' }),
    session: t.field({ type: ApiKeyRef, description: "The session's key record (kind PORTAL), with its scopes.", resolve: (payload) => payload.session }),
  }),
});

/** The organization a session mutation acts on: an admin key names it, an organization key may only name its own. */
function targetOrganization(ctx: Context, organizationId: string | number | null | undefined): string {
  const principal = ctx.principal;
  if (principal?.kind === 'organization') {
    if (organizationId != null && idOfType(String(organizationId), 'Organization') !== principal.organizationId) {
      throw new NotFoundError('Organization');
    }
    return principal.organizationId;
  }
  if (organizationId == null) throw ValidationError.of(['organizationId'], 'is required with an admin key');
  const id = idOfType(String(organizationId), 'Organization');
  if (!id) throw new NotFoundError('Organization');
  return id;
}

function minterOf(ctx: Context): SessionMinter {
  return ctx.principal?.kind === 'organization' ? { kind: 'organization', scopes: ctx.principal.scopes, featureFlags: ctx.principal.featureFlags } : { kind: 'admin' };
}

builder.mutationField('createPortalSession', (t) =>
  t.field({
    type: CreatePortalSessionPayload,
    description: 'A short-lived key of one organization and the portal link that carries it.',
    authScopes: { admin: true, organizationKey: true },
    errors: { types: [ValidationError, NotFoundError, RateLimitedError, LimitExceededError, InvalidStateError] },
    args: { input: t.arg({ type: CreatePortalSessionInput, required: true, description: 'The organization, lifetime and scopes.' }) },
    resolve: async (_root, { input }, ctx) => {
      const organizationId = targetOrganization(ctx, input.organizationId);
      const grant = sessionGrant(minterOf(ctx), input);
      // Scope-auth admitted only admin and organization keys, so there is a principal.
      const keyId = ctx.principal!.keyId;
      const admitted = ctx.sessionMints.admit(keyId);
      if (!admitted.ok) {
        throw new RateLimitedError(
          `This key may mint ${ctx.config.portalSessionsPerMinute} portal sessions a minute (HERALD_PORTAL_SESSIONS_PER_MINUTE); try again shortly.`,
          Math.max(1, Math.ceil(admitted.retryAfterMs / 1_000)),
        );
      }
      return createPortalSession(ctx.db, ctx.config, organizationId, grant, { mintedByKeyId: keyId });
    },
  }),
);

const RevokePortalSessionsInput = builder.inputType('RevokePortalSessionsInput', {
  description: "Whose portal sessions to revoke.",
  fields: (t) => ({
    organizationId: t.id({ description: 'Required with an admin key; an organization key revokes its own sessions.' }),
  }),
});

const RevokePortalSessionsPayload = builder.objectRef<{ revokedCount: number }>('RevokePortalSessionsPayload').implement({
  description: 'How many sessions were revoked.',
  fields: (t) => ({ revokedCount: t.exposeInt('revokedCount', { description: 'Sessions that were live and are now revoked.' }) }),
});

builder.mutationField('revokePortalSessions', (t) =>
  t.field({
    type: RevokePortalSessionsPayload,
    description: "Revokes every live portal session of the organization; their requests answer UNAUTHENTICATED (reason REVOKED).",
    authScopes: { admin: true, organizationKey: true },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: RevokePortalSessionsInput, required: true, description: 'The organization.' }) },
    resolve: async (_root, { input }, ctx) => ({
      revokedCount: await revokePortalSessions(ctx.db, targetOrganization(ctx, input.organizationId)),
    }),
  }),
);
