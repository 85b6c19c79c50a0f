// Portal sessions in the API: minted and revoked by an admin key for any organization, or by an
// organization key for its own. A session cannot mint or revoke sessions (a browser token must not
// outlive its expiry by minting its successor). Each minting key is rate-limited (RateLimitedError),
// each organization's live sessions are bounded (LimitExceededError), and a session dies with the
// key that minted it (revokeApiKey).
import { builder } from '../graphql/builder.ts';
import type { Context } from '../graphql/context.ts';
import { InvalidStateError, LimitExceededError, NotFoundError, RateLimitedError, ValidationError } from '../graphql/error-types.ts';
import { idOfType } from '../global-id.ts';
import { AccessRef, ApiKeyRef } from '../api-keys/schema.ts';
import { BRAND_NAME_MAX, RADIUS_MAX_PX, type PortalTheme } from './portal-theme.ts';
import type { Principal } from '../auth/principal.ts';
import { auditActorOf } from '../audit/audit-log.ts';
import { createPortalSession, revokePortalSessions, sessionGrant, type CreatedPortalSession, type SessionMinter } from './portal-sessions.ts';

const PortalThemeInput = builder.inputType('PortalThemeInput', {
  description: "The portal's look, in the integrator's colours. Every field is optional (unset: the portal's default) and checked strictly; an embed link's parameters of the same names override it.",
  fields: (t) => ({
    accent: t.string({ description: 'Buttons, links and the current tab: a hex colour (#rgb or #rrggbb). Where it colours text it is kept only when it reads against the background (4.5:1).' }),
    background: t.string({ description: 'The page colour (hex). A dark background selects the dark palette for everything not set here.' }),
    foreground: t.string({ description: 'The text colour (hex); must contrast with background at least 4.5:1 when both are set.' }),
    radiusPx: t.int({ description: `Corner radius of buttons, fields and cards: 0 to ${RADIUS_MAX_PX} pixels.` }),
    fontFamily: t.string({ description: "A CSS font-family list of installed or generic families, such as 'Inter, system-ui, sans-serif' (no URLs: nothing is downloaded)." }),
  }),
});

const PortalThemeRef = builder.objectRef<PortalTheme>('PortalTheme').implement({
  description: "The look a portal session was minted with (CreatePortalSessionInput.theme); null fields keep the portal's defaults.",
  fields: (t) => ({
    accent: t.string({ nullable: true, description: 'Accent colour (hex).', resolve: (theme) => theme.accent ?? null }),
    background: t.string({ nullable: true, description: 'Page colour (hex).', resolve: (theme) => theme.background ?? null }),
    foreground: t.string({ nullable: true, description: 'Text colour (hex).', resolve: (theme) => theme.foreground ?? null }),
    radiusPx: t.int({ nullable: true, description: 'Corner radius in pixels.', resolve: (theme) => theme.radiusPx ?? null }),
    fontFamily: t.string({ nullable: true, description: 'CSS font-family list.', resolve: (theme) => theme.fontFamily ?? null }),
  }),
});

builder.objectFields(AccessRef, (t) => ({
  brandName: t.string({
    nullable: true,
    description: "A portal session's product name (CreatePortalSessionInput.brandName); null for other keys and sessions minted without one.",
    resolve: (principal: Principal) => (principal.kind === 'organization' ? (principal.session?.brandName ?? null) : null),
  }),
  theme: t.field({
    type: PortalThemeRef,
    nullable: true,
    description: "A portal session's theme (CreatePortalSessionInput.theme); null for other keys and sessions minted without one.",
    resolve: async (principal: Principal, _args, ctx) => {
      if (principal.kind !== 'organization' || !principal.session) return null;
      const key = await ctx.db.apiKey.findUnique({ where: { id: principal.keyId }, select: { portalTheme: true } });
      return (key?.portalTheme as PortalTheme | null | undefined) ?? null; // written by createPortalSession after checkPortalTheme
    },
  }),
  signatureHeader: t.string({
    description: 'The header the HMAC_SHA256_* schemes put their signature in (Standard Webhooks uses webhook-signature).',
    resolve: (_principal, _args, ctx) => ctx.config.signatureHeader,
  }),
}));

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
    brandName: t.string({
      description: `The integrator's product name, shown in the portal's header and in its test webhooks ("A test webhook from Acme."): plain text, at most ${BRAND_NAME_MAX} characters. Default: none, and the portal's words stay neutral.`,
    }),
    theme: t.field({ type: PortalThemeInput, description: "The portal's colours, corner radius and font. Default: the portal's own look." }),
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
      return createPortalSession(ctx.db, ctx.config, organizationId, grant, { mintedByKeyId: keyId, actor: auditActorOf(ctx.principal) });
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
      revokedCount: await revokePortalSessions(ctx.db, targetOrganization(ctx, input.organizationId), new Date(), auditActorOf(ctx.principal)),
    }),
  }),
);
