import { actingOrganization } from '../auth/principal.ts';
import { MUTATION_RESULT } from '../auth/scopes.ts';
import type { SignatureScheme } from '../engine/signing.ts';
import { RATE_LIMIT_BOUNDS, rateLimitOf, type RateLimit } from '../engine/rate-limit.ts';
import type { DisabledReason } from '../generated/prisma/enums.ts';
import { builder } from '../graphql/builder.ts';
import { assertStillAuthorized } from '../graphql/subscription-auth.ts';
import { inActingOrganization, organizationIdOf, type Context } from '../graphql/context.ts';
import {
  EndpointVerificationError,
  FieldIssueRef,
  LimitExceededError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../graphql/error-types.ts';
import { idOfType, requireIdOfType } from '../global-id.ts';
import { catalogViewOf } from '../event-types/catalog-view.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import { checkPage } from '../graphql/pagination.ts';
import { endpointAsNoticed, type EndpointNotice } from '../pubsub/notices.ts';
import { organizationLog, resumedAfter } from '../pubsub/resume.ts';
import { resumePlace, withItemCursors } from '../graphql/subscription-cursor.ts';
import { tooSlowHandlerOf } from '../graphql/subscription-lag.ts';
import type { Endpoint } from '../generated/prisma/client.ts';
import { maskHeaders, openHeaders } from './custom-headers.ts';
import { jwksUrlOf, signingPublicKeysOf } from './jwks.ts';
import { testPayloadFilter, type EndpointHeader } from './endpoint-rules.ts';
import { oauth2View, RECEIVER_AUTH_LIMITS, tlsView } from './receiver-auth.ts';
import type { OAuth2ClientAuthentication } from '../engine/receiver-credentials.ts';
import type { FieldIssue } from '../errors.ts';
import {
  createEndpoint,
  deleteEndpoint,
  rotateEndpointSecret,
  toggleEndpoint,
  updateEndpoint,
} from './endpoints.ts';
import { pauseEndpoint, resumeEndpoint } from './pause.ts';

export const SignatureSchemeEnum = builder.enumType('SignatureScheme', {
  description: 'How deliveries to an endpoint are signed (docs/signing.md). The HMAC schemes share one kind of secret (whsec_); STANDARD_WEBHOOKS_ED25519 signs with an Ed25519 private key (whsk_) whose public key (whpk_) receivers verify with.',
  values: {
    STANDARD_WEBHOOKS: { description: 'webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">' },
    HMAC_SHA256_TIMESTAMPED: { description: 'X-Herald-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">' },
    HMAC_SHA256_BODY: { description: 'X-Herald-Signature: <hex HMAC-SHA256 of the raw body>' },
    STANDARD_WEBHOOKS_ED25519: { description: 'webhook-signature: v1a,<base64 Ed25519 signature of "{id}.{timestamp}.{body}"> (Standard Webhooks, asymmetric): receivers hold only the public key.' },
  } as const satisfies Record<SignatureScheme, { description: string }>,
});

const DisabledReasonEnum = builder.enumType('EndpointDisabledReason', {
  description: 'Why an endpoint is turned off.',
  values: {
    MANUAL: { description: 'Turned off with toggleEndpoint.' },
    FAILING: { description: 'Too many consecutive failed deliveries (HERALD_DISABLE_AFTER_FAILURES).' },
    GONE: { description: 'The endpoint answered 410 Gone.' },
  } as const satisfies Record<DisabledReason, { description: string }>,
});

const EndpointHeaderRef = builder.objectRef<EndpointHeader>('EndpointHeader').implement({
  description: 'A custom header sent with every delivery to the endpoint.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The header name, as it was set.' }),
    value: t.exposeString('value', { description: 'Sealed at rest; shown to keys with endpoints:write, masked (••••••••) for others.' }),
  }),
});

const EndpointRateLimitRef = builder.objectRef<RateLimit>('EndpointRateLimit').implement({
  description: 'At most perSecond deliveries a second reach the endpoint, across every worker; deliveries over it wait (nextAttemptAt) and are not attempts.',
  fields: (t) => ({
    perSecond: t.exposeInt('perSecond', { description: 'Deliveries a second, at most.' }),
    burst: t.exposeInt('burst', { description: 'Deliveries that may go at once after a quiet spell; one second of the limit unless set.' }),
  }),
});

const OAuth2ClientAuthenticationEnum = builder.enumType('OAuth2ClientAuthentication', {
  description: 'How Herald authenticates its client to the token endpoint (RFC 6749 §2.3.1).',
  values: {
    BASIC: { description: 'client_secret_basic: HTTP Basic with the client id and secret (the default).' },
    POST: { description: 'client_secret_post: client_id and client_secret in the form body.' },
  } as const satisfies Record<OAuth2ClientAuthentication, { description: string }>,
});

const OAuth2ClientCredentialsRef = builder.objectRef<NonNullable<ReturnType<typeof oauth2View>>>('OAuth2ClientCredentials').implement({
  description: 'OAuth2 client credentials (RFC 6749 §4.4): Herald fetches an access token and sends it as Authorization: Bearer. The client secret is never readable.',
  fields: (t) => ({
    tokenUrl: t.exposeString('tokenUrl', { description: 'The token endpoint, under the same address policy as deliveries.' }),
    clientId: t.exposeString('clientId', { description: 'The client id.' }),
    clientSecretSet: t.exposeBoolean('clientSecretSet', { description: 'Whether a client secret is set (it is sealed at rest and never returned).' }),
    scopes: t.exposeStringList('scopes', { description: 'The scopes asked for (the scope parameter, space-separated); empty: none asked.' }),
    audience: t.exposeString('audience', { nullable: true, description: 'The audience parameter sent with the token request; null: none.' }),
    clientAuthentication: t.expose('clientAuthentication', { type: OAuth2ClientAuthenticationEnum, description: 'How the client authenticates to the token endpoint.' }),
  }),
});

const EndpointAuthenticationRef = builder.objectRef<{ oauth2: NonNullable<ReturnType<typeof oauth2View>> }>('EndpointAuthentication').implement({
  description: 'How Herald authenticates to the receiver, beyond the signature (docs/receiver-authentication.md).',
  fields: (t) => ({
    oauth2: t.field({ type: OAuth2ClientCredentialsRef, description: 'OAuth2 client credentials.', resolve: (auth) => auth.oauth2 }),
  }),
});

const EndpointTlsRef = builder.objectRef<NonNullable<ReturnType<typeof tlsView>>>('EndpointTls').implement({
  description: 'TLS settings of deliveries to the endpoint: a client certificate (mTLS) and CAs to trust. The client key is never readable.',
  fields: (t) => ({
    clientCertificate: t.exposeString('clientCertificate', { nullable: true, description: 'The client certificate presented (PEM, the certificate first, then any intermediates); null: none.' }),
    clientCertificateSubject: t.exposeString('clientCertificateSubject', { nullable: true, description: "The client certificate's subject, such as CN=herald; null without one." }),
    clientCertificateExpiresAt: t.expose('clientCertificateExpiresAt', { type: 'DateTime', nullable: true, description: 'When the client certificate expires; null without one.' }),
    clientKeySet: t.exposeBoolean('clientKeySet', { description: 'Whether a client key is set (it is sealed at rest and never returned).' }),
    caCertificates: t.exposeString('caCertificates', { nullable: true, description: "CA certificates (PEM) that may sign the receiver's certificate; null: none besides the system's." }),
    trustSystemCertificates: t.exposeBoolean('trustSystemCertificates', { description: "True: caCertificates are trusted in addition to the system's CAs; false: instead of them." }),
  }),
});

export const EndpointRef = builder.prismaNode('Endpoint', {
  // An id alone discloses nothing: it stays readable wherever the endpoint is reached (a delivery's
  // `endpoint { id }`); every other field needs endpoints:read, or is the result of the caller's write.
  id: { field: 'id', skipTypeScopes: true },
  description: 'A URL that receives webhooks. Its signing secret is never readable after creation or rotation; an Ed25519 public key is (signingPublicKeys).',
  authScopes: (endpoint, ctx) => (inActingOrganization(ctx, endpoint) ? { $any: { scope: 'endpoints:read', $granted: MUTATION_RESULT } } : { $granted: MUTATION_RESULT }),
  fields: (t) => ({
    name: t.exposeString('name', { description: "A name for people (defaults to the URL's host)." }),
    description: t.exposeString('description', { description: 'Free text for people; empty when not set.' }),
    url: t.exposeString('url', { description: 'Where deliveries are POSTed, normalized (lower-case host, default port dropped).' }),
    eventTypes: t.exposeStringList('eventTypes', { description: 'The event types it receives: catalog names, `*`, or prefix wildcards such as `invoice.*`.' }),
    projects: t.exposeStringList('projects', { description: 'Only events of these projects; empty: events of every project and of none.' }),
    filter: t.expose('filter', {
      type: 'JSON',
      nullable: true,
      description: 'Only events whose payload matches this filter are delivered (docs/payload-filters.md); null: every event.',
    }),
    // Values are sealed at rest and often the receiver's credentials: only a key that may rewrite
    // them sees them; other readers see names and a mask.
    headers: t.field({
      type: [EndpointHeaderRef],
      description: 'Custom headers sent with every delivery; values readable with endpoints:write only.',
      resolve: (endpoint, _args, ctx) =>
        mayWriteEndpoints(ctx) ? openHeaders(endpoint.headers, ctx.encryptionKeys, endpoint.id) : maskHeaders(endpoint.headers),
    }),
    signatureScheme: t.expose('signatureScheme', { type: SignatureSchemeEnum, description: 'How its deliveries are signed.' }),
    active: t.exposeBoolean('active', { description: 'False while turned off: events published meanwhile are not delivered to it.' }),
    disabledReason: t.expose('disabledReason', { type: DisabledReasonEnum, nullable: true, description: 'Why it is off; null while active.' }),
    pausedAt: t.expose('pausedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When pauseEndpoint paused it; null when not paused. While paused its deliveries wait PAUSED and resumeEndpoint sends them (docs/recovery.md).',
    }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was turned off (by hand or after failed deliveries); null while active.' }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'Since when its deliveries have been failing (set when one is announced failing or exhausted); null once one succeeds or it is turned on again.',
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Deliveries failed for good in a row; a success resets it. At HERALD_DISABLE_AFTER_FAILURES the endpoint is turned off.' }),
    rateLimit: t.field({
      type: EndpointRateLimitRef,
      nullable: true,
      description: 'Null: unlimited. See docs/rate-limits.md.',
      resolve: (endpoint) => rateLimitOf({ perSecond: endpoint.rateLimitPerSecond, burst: endpoint.rateLimitBurst }),
    }),
    propagateTraceContext: t.exposeBoolean('propagateTraceContext', { description: "Whether its deliveries carry W3C `traceparent` (and `tracestate`) headers continuing the publisher's trace; default false (docs/telemetry.md)." }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime', nullable: true, description: 'When the URL last answered the echo challenge (createEndpoint with verify); null if never.' }),
    signingPublicKeys: t.stringList({
      description: 'STANDARD_WEBHOOKS_ED25519: the public keys (whpk_…) that sign its deliveries now, the current one first, then the previous one during a rotation grace. Not secrets. Empty for the HMAC schemes.',
      resolve: (endpoint) => signingPublicKeysOf(endpoint, new Date()),
    }),
    jwksUrl: t.string({
      nullable: true,
      description: 'STANDARD_WEBHOOKS_ED25519: where the same public keys are served as a JWKS (OKP/Ed25519, with kids), readable without a key, so a receiver can fetch them. Null for the HMAC schemes.',
      resolve: (endpoint, _args, ctx) => (endpoint.jwksId === null ? null : jwksUrlOf(ctx.config, endpoint.jwksId)),
    }),
    previousSecretExpiresAt: t.expose('previousSecretExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'While set, deliveries are signed with the previous secret too (rotation grace period).',
    }),
    authentication: t.field({
      type: EndpointAuthenticationRef,
      nullable: true,
      description: 'How Herald authenticates to the receiver (OAuth2 client credentials); null: only the signature and custom headers. Secrets are never returned.',
      resolve: (endpoint) => {
        const oauth2 = oauth2View(endpoint.oauth2);
        return oauth2 ? { oauth2 } : null;
      },
    }),
    tls: t.field({
      type: EndpointTlsRef,
      nullable: true,
      description: "The client certificate and CAs used for deliveries (mTLS); null: no client certificate, the system's CAs.",
      resolve: (endpoint) => tlsView(endpoint.tls),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed (settings, state or secret).' }),
  }),
});

function mayWriteEndpoints(ctx: Context): boolean {
  return actingOrganization(ctx.principal)?.scopes.has('endpoints:write') ?? false;
}

registerNodeLoader('Endpoint', { scope: 'endpoints:read' }, (ctx, id) =>
  ctx.db.endpoint.findFirst({ where: { id, organizationId: organizationIdOf(ctx) } }),
);

const EndpointFilter = builder.inputType('EndpointFilter', {
  description: 'Which endpoints to list; every field given must match.',
  fields: (t) => ({
    active: t.boolean({ description: 'Only enabled (true) or only turned-off (false) endpoints.' }),
    project: t.string({ description: 'Endpoints that receive events of this project (listed, or no project list).' }),
  }),
});

// A malformed id, an id of another type and another organization's id all answer null, as `node` does.
builder.queryField('endpoint', (t) =>
  t.prismaField({
    type: 'Endpoint',
    nullable: true,
    description: "One of the organization's endpoints, by its global id (`ep_…`); null when there is none.",
    authScopes: { scope: 'endpoints:read' },
    args: { id: t.arg.id({ required: true, description: "The endpoint's global id." }) },
    resolve: (query, _root, args, ctx) => {
      const id = idOfType(String(args.id), 'Endpoint');
      return id ? ctx.db.endpoint.findFirst({ ...query, where: { id, organizationId: organizationIdOf(ctx) } }) : null;
    },
  }),
);

builder.queryField('endpoints', (t) =>
  t.prismaConnection({
    type: 'Endpoint',
    cursor: 'id',
    description: "The organization's endpoints, newest first.",
    authScopes: { scope: 'endpoints:read' },
    args: { filter: t.arg({ type: EndpointFilter, description: 'Only endpoints matching every field given.' }) },
    resolve: async (query, _root, args, ctx) => {
      const organizationId = organizationIdOf(ctx);
      await checkPage(args, async (id) => (await ctx.db.endpoint.count({ where: { id, organizationId } })) > 0);
      const { filter } = args;
      return ctx.db.endpoint.findMany({
        ...query,
        where: {
          organizationId,
          ...(filter?.active != null ? { active: filter.active } : {}),
          ...(filter?.project != null
            ? { OR: [{ projects: { isEmpty: true } }, { projects: { has: filter.project } }] }
            : {}),
        },
        orderBy: { id: 'desc' },
      });
    },
  }, { name: 'EndpointConnection' }, { name: 'EndpointEdge' }),
);

const EndpointHeaderInput = builder.inputType('EndpointHeaderInput', {
  description: 'A custom header to send with every delivery (RFC 9110 name and value; Herald\'s own headers are refused).',
  fields: (t) => ({
    name: t.string({ required: true, description: 'A header name (an RFC 9110 token).' }),
    value: t.string({ required: true, description: '1–4096 visible ASCII characters; sealed at rest.' }),
  }),
});

const EndpointRateLimitInput = builder.inputType('EndpointRateLimitInput', {
  description: 'An upper bound on deliveries a second to one endpoint, across every worker.',
  fields: (t) => ({
    perSecond: t.int({ required: true, description: `Deliveries per second, 1–${RATE_LIMIT_BOUNDS.perSecondMax}.` }),
    burst: t.int({ description: `Deliveries that may go at once after a quiet spell, 1 to ${RATE_LIMIT_BOUNDS.burstSecondsMax} × perSecond; default perSecond.` }),
  }),
});

const OAuth2ClientCredentialsInput = builder.inputType('OAuth2ClientCredentialsInput', {
  description: 'OAuth2 client credentials (RFC 6749 §4.4): Herald fetches a token from tokenUrl, reuses it until shortly before it expires, and sends it as Authorization: Bearer.',
  fields: (t) => ({
    tokenUrl: t.string({ required: true, description: 'The token endpoint: https:// (http:// only when private networks are allowed), under the same address policy and egress proxy as deliveries.' }),
    clientId: t.string({ required: true, description: `The client id, 1–${RECEIVER_AUTH_LIMITS.clientIdLength} characters.` }),
    clientSecret: t.string({ description: `The client secret, 1–${RECEIVER_AUTH_LIMITS.clientSecretLength} characters; write-only, sealed at rest. Required unless the endpoint has one: absent keeps it.` }),
    scopes: t.stringList({ description: `Scopes to ask for (RFC 6749 scope tokens), at most ${RECEIVER_AUTH_LIMITS.scopes}; default none.` }),
    audience: t.string({ description: 'An audience parameter for the token request (Auth0, Okta and others read it); default none.' }),
    clientAuthentication: t.field({ type: OAuth2ClientAuthenticationEnum, description: 'Default BASIC (client_secret_basic).' }),
  }),
});

const EndpointAuthenticationInput = builder.inputType('EndpointAuthenticationInput', {
  description: 'How Herald authenticates to the receiver (docs/receiver-authentication.md).',
  fields: (t) => ({
    oauth2: t.field({ type: OAuth2ClientCredentialsInput, description: 'OAuth2 client credentials; on update null removes them, absent leaves them.' }),
  }),
});

const EndpointTlsInput = builder.inputType('EndpointTlsInput', {
  description: 'A client certificate to present (mTLS) and CAs to trust for deliveries to the endpoint, in PEM. Checked on input: readable PEM, not expired, the key matching the certificate.',
  fields: (t) => ({
    clientCertificate: t.string({ description: 'The client certificate (PEM), optionally followed by its intermediates.' }),
    clientKey: t.string({ description: "The client certificate's private key (unencrypted PEM); write-only, sealed at rest. On update, absent keeps the endpoint's key if it matches clientCertificate." }),
    caCertificates: t.string({ description: `CA certificates (PEM, up to ${RECEIVER_AUTH_LIMITS.caCertificates}) that may sign the receiver's certificate.` }),
    trustSystemCertificates: t.boolean({ description: "Default true: caCertificates are trusted in addition to the system's CAs; false: instead of them (caCertificates required)." }),
  }),
});

const endpointPayload = (name: string) =>
  builder.objectRef<{ endpoint: Endpoint }>(name).implement({
    description: 'The endpoint the mutation changed.',
    fields: (t) => ({ endpoint: t.field({ type: EndpointRef, grantScopes: [MUTATION_RESULT], description: 'The endpoint, as the mutation left it.', resolve: (p) => p.endpoint }) }),
  });

const endpointWithSecretPayload = (name: string) =>
  builder.objectRef<{ endpoint: Endpoint; secret: string }>(name).implement({
    description: 'The endpoint and its new signing secret: store the secret now, it is never shown again.',
    fields: (t) => ({
      endpoint: t.field({ type: EndpointRef, grantScopes: [MUTATION_RESULT], description: 'The endpoint, as the mutation left it.', resolve: (p) => p.endpoint }),
      secret: t.exposeString('secret', { description: 'The signing secret (whsec_…; for STANDARD_WEBHOOKS_ED25519 the private key, whsk_…, whose public key is in signingPublicKeys). Shown this once.' }),
    }),
  });

const FILTER_INPUT =
  'A payload filter such as {"data.amount": {"$gte": 100}}: only events whose payload matches it are delivered (docs/payload-filters.md).';

export const CreateEndpointInput = builder.inputType('CreateEndpointInput', {
  description: 'A new endpoint of the organization.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'https:// (http:// only when private networks are allowed); at most 2048 characters.' }),
    name: t.string({ description: 'At most 255 characters; defaults to the URL host.' }),
    description: t.string({ description: 'Free text for people, at most 1000 characters.' }),
    eventTypes: t.stringList({ required: true, description: 'Catalog names, `*`, or prefix wildcards such as `conversation.*`.' }),
    projects: t.stringList({ description: 'Only events of these projects (empty: all).' }),
    headers: t.field({ type: [EndpointHeaderInput], description: 'Up to 50 custom headers sent with every delivery.' }),
    filter: t.field({ type: 'JSON', description: FILTER_INPUT }),
    signatureScheme: t.field({ type: SignatureSchemeEnum, description: 'Default STANDARD_WEBHOOKS.' }),
    verify: t.boolean({ description: 'Require the URL to answer the echo challenge before saving.' }),
    secret: t.string({ description: 'Bring your own signing secret: whsec_ + base64 of 24–64 bytes for the HMAC schemes; for STANDARD_WEBHOOKS_ED25519 a private key, whsk_ + base64 of its 32-byte seed (or of seed and public key, 64 bytes). Default: a new one.' }),
    rateLimit: t.field({ type: EndpointRateLimitInput, description: 'At most this many deliveries a second; absent or null: unlimited.' }),
    authentication: t.field({ type: EndpointAuthenticationInput, description: 'How Herald authenticates to the receiver beyond the signature (OAuth2 client credentials).' }),
    tls: t.field({ type: EndpointTlsInput, description: 'A client certificate (mTLS) and CAs to trust for its deliveries.' }),
    propagateTraceContext: t.boolean({ description: "Send W3C `traceparent` (and `tracestate`) with each delivery, continuing the trace its event was published in (docs/telemetry.md). Default false." }),
  }),
});

export const CreateEndpointPayload = endpointWithSecretPayload('CreateEndpointPayload');

builder.mutationField('createEndpoint', (t) =>
  t.field({
    type: CreateEndpointPayload,
    description: 'Registers a URL to receive the organization\'s events; answers its signing secret, once.',
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [ValidationError, LimitExceededError, EndpointVerificationError] },
    args: { input: t.arg({ type: CreateEndpointInput, required: true, description: 'The new endpoint.' }) },
    resolve: (_root, { input }, ctx) => createEndpoint(ctx, catalogViewOf(ctx.principal), organizationIdOf(ctx), input),
  }),
);

const UpdateEndpointInput = builder.inputType('UpdateEndpointInput', {
  description: 'Changes to an endpoint: a field left out is left as it is.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The endpoint.' }),
    url: t.string({ description: 'A new URL, under the same rules as createEndpoint.' }),
    name: t.string({ description: 'A new name.' }),
    description: t.string({ description: 'A new description.' }),
    eventTypes: t.stringList({ description: 'Replaces the list of event types.' }),
    projects: t.stringList({ description: 'Replaces the list of projects (empty: all).' }),
    headers: t.field({ type: [EndpointHeaderInput], description: 'Replaces the whole list.' }),
    rateLimit: t.field({ type: EndpointRateLimitInput, description: 'Replaces the limit; null removes it (unlimited); absent leaves it.' }),
    filter: t.field({ type: 'JSON', description: `${FILTER_INPUT} null removes it.` }),
    authentication: t.field({ type: EndpointAuthenticationInput, description: 'Replaces the authentication settings; null removes them all; absent leaves them.' }),
    tls: t.field({ type: EndpointTlsInput, description: 'Replaces the TLS settings; null removes them; absent leaves them.' }),
    propagateTraceContext: t.boolean({ description: 'Send W3C `traceparent` and `tracestate` with each delivery, or stop; absent or null leaves it.' }),
  }),
});

builder.mutationField('updateEndpoint', (t) =>
  t.field({
    type: endpointPayload('UpdateEndpointPayload'),
    description: "Changes an endpoint's settings; deliveries already queued keep going to it.",
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: UpdateEndpointInput, required: true, description: 'The endpoint and what changes.' }) },
    resolve: async (_root, { input: { id, ...fields } }, ctx) => ({
      endpoint: await updateEndpoint(ctx, catalogViewOf(ctx.principal), organizationIdOf(ctx), requireIdOfType(id, 'Endpoint'), fields),
    }),
  }),
);

const RotateEndpointSecretInput = builder.inputType('RotateEndpointSecretInput', {
  description: 'Which endpoint gets a new signing secret, and for how long the old one still signs.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The endpoint.' }),
    gracePeriodSeconds: t.int({ description: 'How long the old secret keeps signing (default 0, at most 7 days).' }),
    secret: t.string({ description: "Bring your own new secret, in the format of the endpoint's scheme (whsec_… or, for STANDARD_WEBHOOKS_ED25519, whsk_…)." }),
  }),
});

builder.mutationField('rotateEndpointSecret', (t) =>
  t.field({
    type: endpointWithSecretPayload('RotateEndpointSecretPayload'),
    description: 'Gives an endpoint a new signing secret, answered once; during the grace period deliveries carry both signatures.',
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: RotateEndpointSecretInput, required: true, description: 'The endpoint and grace period.' }) },
    resolve: (_root, { input: { id, ...rest } }, ctx) =>
      rotateEndpointSecret(ctx, organizationIdOf(ctx), requireIdOfType(id, 'Endpoint'), rest),
  }),
);

const ToggleEndpointInput = builder.inputType('ToggleEndpointInput', {
  description: 'Which endpoint to turn on or off.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The endpoint.' }),
    active: t.boolean({ required: true, description: 'true: enabled again; false: turned off (reason MANUAL).' }),
  }),
});

builder.mutationField('toggleEndpoint', (t) =>
  t.field({
    type: endpointPayload('ToggleEndpointPayload'),
    description: 'Turns an endpoint off or on again; enabling resets its consecutive failures.',
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [NotFoundError, RateLimitedError] },
    args: { input: t.arg({ type: ToggleEndpointInput, required: true, description: 'The endpoint and its new state.' }) },
    resolve: async (_root, { input }, ctx) => ({
      endpoint: await toggleEndpoint(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Endpoint'), input.active),
    }),
  }),
);

const PauseEndpointInput = builder.inputType('PauseEndpointInput', {
  description: 'Which endpoint to pause.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The endpoint.' }) }),
});

builder.mutationField('pauseEndpoint', (t) =>
  t.field({
    type: endpointPayload('PauseEndpointPayload'),
    description:
      'Pauses an endpoint, keeping its backlog: events published meanwhile still create deliveries, which wait PAUSED (not attempted, not counted) until resumeEndpoint; nothing pending is cancelled (unlike toggleEndpoint). Retention still deletes them with their events.',
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: PauseEndpointInput, required: true, description: 'The endpoint.' }) },
    resolve: async (_root, { input }, ctx) => ({ endpoint: await pauseEndpoint(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Endpoint')) }),
  }),
);

const ResumeEndpointInput = builder.inputType('ResumeEndpointInput', {
  description: 'Which endpoint to resume.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The endpoint.' }) }),
});

builder.mutationField('resumeEndpoint', (t) =>
  t.field({
    type: endpointPayload('ResumeEndpointPayload'),
    description: "Ends a pause: the endpoint's PAUSED deliveries are queued in publish order and sent within its rate limit and concurrency.",
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: ResumeEndpointInput, required: true, description: 'The endpoint.' }) },
    resolve: async (_root, { input }, ctx) => ({ endpoint: await resumeEndpoint(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Endpoint')) }),
  }),
);

const DeleteEndpointInput = builder.inputType('DeleteEndpointInput', {
  description: 'Which endpoint to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The endpoint.' }) }),
});

const DeleteEndpointPayload = builder.objectRef<{ deletedEndpointId: string }>('DeleteEndpointPayload').implement({
  description: 'What was deleted.',
  fields: (t) => ({ deletedEndpointId: t.exposeID('deletedEndpointId', { description: 'The id of the endpoint deleted (its deliveries went with it).' }) }),
});

builder.mutationField('deleteEndpoint', (t) =>
  t.field({
    type: DeleteEndpointPayload,
    description: 'Deletes an endpoint with its deliveries and their attempts.',
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: DeleteEndpointInput, required: true, description: 'The endpoint.' }) },
    resolve: async (_root, { input }, ctx) => {
      await deleteEndpoint(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Endpoint'));
      return { deletedEndpointId: String(input.id) };
    },
  }),
);

const TestFilterPayload = builder.objectRef<{ matches: boolean; reason: FieldIssue | null }>('TestFilterPayload').implement({
  description: 'Whether a sample payload passes a payload filter, decided exactly as publishing decides it.',
  fields: (t) => ({
    matches: t.exposeBoolean('matches', { description: 'True when an endpoint with this filter would receive an event with this payload.' }),
    reason: t.field({
      type: FieldIssueRef,
      nullable: true,
      description: 'When it does not match: the condition that failed (its path from `filter` down) and what the payload held there.',
      resolve: (result) => result.reason,
    }),
  }),
});

builder.queryField('testFilter', (t) =>
  t.field({
    type: TestFilterPayload,
    description: "Evaluates a payload filter against a sample payload, saving nothing: for endpoint forms and the portal. A malformed filter answers ValidationError with each fault's path.",
    // Reads and writes no data: any key may ask, as long as it is a key.
    authScopes: { admin: true, organization: true },
    errors: { types: [ValidationError] },
    args: {
      filter: t.arg({ type: 'JSON', required: true, description: 'A payload filter, as createEndpoint takes it.' }),
      payload: t.arg({ type: 'JSON', required: true, description: 'A sample event payload.' }),
    },
    resolve: (_root, args) => {
      const tested = testPayloadFilter(args.filter, args.payload);
      if (!tested.ok) throw new ValidationError(tested.issues);
      return tested.value;
    },
  }),
);

builder.subscriptionField('endpointUpdated', (t) =>
  t.prismaField({
    type: 'Endpoint',
    nullable: true,
    description: "Each time one of the organization's endpoints is disabled or re-enabled. Null when it was deleted meanwhile.",
    authScopes: { scope: 'endpoints:read' },
    args: {
      resumeAfter: t.arg.string({
        description:
          "An item's `extensions.herald.cursor`: starts with every change after it, in commit order, then goes on live. Kept HERALD_CHANGE_RETENTION (1 h by default); an older cursor answers CURSOR_EXPIRED, another subscription's BAD_USER_INPUT.",
      }),
    },
    subscribe: (_root, { resumeAfter }, ctx) => {
      const organizationId = organizationIdOf(ctx);
      const after = resumePlace(ctx, organizationId, 'endpoint', resumeAfter);
      const keep = (notice: EndpointNotice) => notice.organizationId === organizationId;
      const feed = ctx.changes.subscribe('endpoint', keep, tooSlowHandlerOf(ctx));
      return withItemCursors(ctx, after === null ? feed : resumedAfter(feed, after, organizationLog(ctx.sql, 'endpoint', organizationId), keep));
    },
    // Shown with the state the notice announced: the row may have been toggled again since.
    resolve: async (query, notice, _args, ctx) => {
      await assertStillAuthorized(ctx);
      const organizationId = organizationIdOf(ctx);
      const key = JSON.stringify(['endpoint', organizationId, query]);
      const row = await ctx.sharedReads.readOncePerNotice(notice, key, () =>
        ctx.sharedReads.readBatched(key, notice.id, (ids) => ctx.db.endpoint.findMany({ ...query, where: { id: { in: ids }, organizationId } })),
      );
      return row ? endpointAsNoticed(row, notice) : null;
    },
  }),
);
