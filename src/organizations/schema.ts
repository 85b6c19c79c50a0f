import { builder } from '../graphql/builder.ts';
import { ValidationError } from '../graphql/error-types.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import type { Organization } from '../generated/prisma/client.ts';
import { createOrganization } from './organizations.ts';

export const OrganizationRef = builder.prismaNode('Organization', {
  id: { field: 'id' },
  description: "A customer of the deployment: its endpoints, events and deliveries are its own, out of every other organization's reach.",
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'Its unique short name (lowercase letters, digits, hyphens), as the CLI takes it.' }),
    name: t.exposeString('name', { description: 'Its display name.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
  }),
});

registerNodeLoader('Organization', { organizationOrAdmin: true }, (ctx, id) =>
  // An organization key sees only its own organization; admin keys see all.
  ctx.principal?.kind === 'organization' && ctx.principal.organizationId !== id
    ? Promise.resolve(null)
    : ctx.db.organization.findUnique({ where: { id } }),
);

builder.queryField('viewer', (t) =>
  t.prismaField({
    type: 'Organization',
    nullable: true,
    description: 'The organization of the calling key (null for an admin key).',
    authScopes: { organization: true, admin: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.principal?.kind === 'organization'
        ? ctx.db.organization.findUnique({ ...query, where: { id: ctx.principal.organizationId } })
        : null,
  }),
);

const CreateOrganizationInput = builder.inputType('CreateOrganizationInput', {
  description: 'A new organization.',
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lowercase letters, digits and hyphens; unique.' }),
    name: t.string({ description: 'Defaults to the slug.' }),
  }),
});

const CreateOrganizationPayload = builder
  .objectRef<{ organization: Organization }>('CreateOrganizationPayload')
  .implement({
    description: 'The organization created.',
    fields: (t) => ({ organization: t.field({ type: OrganizationRef, description: 'The new organization.', resolve: (p) => p.organization }) }),
  });

builder.mutationField('createOrganization', (t) =>
  t.field({
    type: CreateOrganizationPayload,
    description: 'Creates an organization (admin keys only); give it keys with createApiKey.',
    authScopes: { admin: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateOrganizationInput, required: true, description: 'Its slug and name.' }) },
    resolve: async (_root, { input }, ctx) => ({ organization: await createOrganization(ctx.db, input) }),
  }),
);
