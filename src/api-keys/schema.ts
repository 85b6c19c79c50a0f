import { builder } from '../graphql/builder.ts';
import { NotFoundError, ValidationError } from '../graphql/error-types.ts';
import { requireIdOfType } from '../global-id.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import { ORGANIZATION_SCOPES } from '../auth/scopes.ts';
import type { Principal } from '../graphql/context.ts';
import { OrganizationRef } from '../organizations/schema.ts';
import { isReadOnly } from '../portal/portal-sessions.ts';
import { createOrganizationKey, revokeApiKey } from './api-keys.ts';
import { auditActorOf } from '../audit/audit-log.ts';

export const ApiKeyKindEnum = builder.enumType('ApiKeyKind', {
  description: 'What a key is for.',
  values: {
    ADMIN: { description: 'Administers the deployment; belongs to no organization.' },
    ORGANIZATION: { description: "An organization's long-lived key, for its servers." },
    PORTAL: { description: 'A portal session: a short-lived key of one organization, safe to hand to a browser.' },
  } as const,
});

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  description: 'An API key. The key itself is shown once, when it is created; only its hash is stored.',
  fields: (t) => ({
    kind: t.expose('kind', { type: ApiKeyKindEnum, description: 'Admin, organization or portal session.' }),
    name: t.exposeString('name', { description: 'A name for people, to tell keys apart.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    scopes: t.exposeStringList('scopes', { description: 'What the key may do (endpoints:read, events:publish, …); empty for an admin key.' }),
    featureFlags: t.exposeStringList('featureFlags', { description: 'The feature flags it holds: it sees the event types flagged with one of them.' }),
    organization: t.relation('organization', { nullable: true, description: 'The organization it acts for; null for an admin key.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked (it no longer works); null while it works.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the key stops working (portal sessions); null: never.' }),
  }),
});

export const AccessRef = builder.objectRef<Principal>('Access').implement({
  description: 'The credential a request is made with: what it is and what it may do.',
  fields: (t) => ({
    kind: t.field({
      type: ApiKeyKindEnum,
      description: 'What kind of key this is.',
      resolve: (principal) => (principal.kind === 'admin' ? 'ADMIN' : principal.session ? 'PORTAL' : 'ORGANIZATION'),
    }),
    scopes: t.stringList({
      description: 'Empty for an admin key, whose powers are fixed.',
      resolve: (principal) => (principal.kind === 'organization' ? ORGANIZATION_SCOPES.filter((scope) => principal.scopes.has(scope)) : []),
    }),
    readOnly: t.boolean({
      description: 'True when every scope only reads (`*:read`).',
      resolve: (principal) => principal.kind === 'organization' && isReadOnly(principal.scopes),
    }),
    featureFlags: t.stringList({
      description: 'The feature flags the key holds (which flagged event types it sees); empty for an admin key, which sees every type.',
      resolve: (principal) => (principal.kind === 'organization' ? [...principal.featureFlags].sort() : []),
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a portal session stops working; null for keys that do not expire.',
      resolve: (principal) => (principal.kind === 'organization' ? (principal.session?.expiresAt ?? null) : null),
    }),
    organization: t.field({
      type: OrganizationRef,
      nullable: true,
      description: 'Null for an admin key.',
      resolve: (principal, _args, ctx) =>
        principal.kind === 'organization' ? ctx.db.organization.findUnique({ where: { id: principal.organizationId } }) : null,
    }),
  }),
});

builder.queryField('access', (t) =>
  t.field({
    type: AccessRef,
    description: 'The calling key: its kind, scopes and expiry. Any valid key may ask.',
    authScopes: { admin: true, organization: true },
    resolve: (_root, _args, ctx) => {
      if (!ctx.principal) throw new Error('access resolved without a principal');
      return ctx.principal;
    },
  }),
);

registerNodeLoader('ApiKey', { admin: true }, (ctx, id) => ctx.db.apiKey.findUnique({ where: { id } }));

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new long-lived key of an organization.',
  fields: (t) => ({
    organizationId: t.id({ required: true, description: 'The organization the key acts for.' }),
    name: t.string({ description: 'A name for people, at most 255 characters.' }),
    scopes: t.stringList({
      description:
        'Any of endpoints:read, endpoints:write, events:read, events:publish, deliveries:read, deliveries:write. Default: all.',
    }),
    featureFlags: t.stringList({
      description: 'Feature flags the key holds: it sees the event types flagged with one of them (at most 50). Default: none.',
    }),
  }),
});

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKey; key: string }>('CreateApiKeyPayload').implement({
  description: 'The new key: store `key` now, it is never shown again.',
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, description: "The key's record (never the key itself).", resolve: (p) => p.apiKey }),
    key: t.exposeString('key', { description: 'The key. It is shown this once and cannot be read again.' }),
  }),
});

builder.mutationField('createApiKey', (t) =>
  t.field({
    type: CreateApiKeyPayload,
    description: 'Creates an organization key (admin keys only); the key is answered once.',
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: 'The organization, name and scopes.' }) },
    resolve: async (_root, { input }, ctx) => {
      const organizationId = requireIdOfType(input.organizationId, 'Organization');
      const { apiKey, token } = await createOrganizationKey(ctx.db, { ...input, organizationId }, auditActorOf(ctx.principal));
      return { apiKey, key: token };
    },
  }),
);

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  description: 'Which key to revoke.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The key (its ApiKey id, not the key itself).' }) }),
});

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>('RevokeApiKeyPayload').implement({
  description: 'The key revoked.',
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, description: "The key's record, with revokedAt set.", resolve: (p) => p.apiKey }) }),
});

builder.mutationField('revokeApiKey', (t) =>
  t.field({
    type: RevokeApiKeyPayload,
    description: 'Revokes a key at once (admin keys only): requests with it are refused, its sockets and streams closed, and the portal sessions it minted revoked.',
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true, description: 'The key.' }) },
    resolve: async (_root, { input }, ctx) => {
      return { apiKey: await revokeApiKey(ctx.db, requireIdOfType(input.id, 'ApiKey'), new Date(), auditActorOf(ctx.principal)) };
    },
  }),
);
