import { builder } from '../graphql/builder.ts';
import { ValidationError } from '../graphql/error-types.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import type { Organization } from '../generated/prisma/client.ts';
import { createOrganization } from './organizations.ts';

export const OrganizationRef = builder.prismaNode('Organization', {
  id: { field: 'id' },
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
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
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lowercase letters, digits and hyphens; unique.' }),
    name: t.string({ description: 'Defaults to the slug.' }),
  }),
});

const CreateOrganizationPayload = builder
  .objectRef<{ organization: Organization }>('CreateOrganizationPayload')
  .implement({ fields: (t) => ({ organization: t.field({ type: OrganizationRef, resolve: (p) => p.organization }) }) });

builder.mutationField('createOrganization', (t) =>
  t.field({
    type: CreateOrganizationPayload,
    authScopes: { admin: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateOrganizationInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ organization: await createOrganization(ctx.db, input) }),
  }),
);
