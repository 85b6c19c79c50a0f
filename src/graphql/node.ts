// `node(id:)`, written here rather than by the relay plugin so that each type's loader is scoped
// to the caller's organization and a malformed id answers null instead of an error.
import { brandWithType } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { actingOrganization } from '../auth/principal.ts';
import type { Scope } from '../auth/scopes.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { decodeGlobalId, type NodeTypeName } from '../global-id.ts';

/** Who may load a type through `node`: an organization key with a scope, or admin keys. */
type Access = { scope: Scope } | { admin: true } | { organizationOrAdmin: true };
type Loader = (ctx: Context, id: string) => Promise<object | null>;

const loaders = new Map<NodeTypeName, { access: Access; load: Loader }>();

/** Each domain registers how its node type loads, next to the type itself. */
export function registerNodeLoader(typename: NodeTypeName, access: Access, load: Loader): void {
  loaders.set(typename, { access, load });
}

builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: "Any object by its global id: null when there is none, or it is another organization's.",
    authScopes: { organization: true, admin: true },
    args: { id: t.arg.id({ required: true, description: 'A global id, as any `id` field answers it.' }) },
    resolve: async (_root, args, ctx) => {
      const decoded = decodeGlobalId(String(args.id));
      const entry = decoded && loaders.get(decoded.typename);
      if (!decoded || !entry) return null;
      if (!allowed(entry.access, ctx)) {
        // Decided from the key alone, before any lookup, so it reveals nothing about the id.
        throw new GraphQLError('This key is not allowed to do that.', { extensions: { code: 'FORBIDDEN' } });
      }
      const row = await entry.load(ctx, decoded.id);
      if (!row) return null;
      // The brand (set in place) tells the Node interface which object type the row is.
      brandWithType(row, decoded.typename as never);
      return row;
    },
  }),
);

function allowed(access: Access, ctx: Context): boolean {
  const principal = ctx.principal;
  if ('organizationOrAdmin' in access) return principal !== null;
  if ('admin' in access) return principal?.kind === 'admin';
  return actingOrganization(principal)?.scopes.has(access.scope) ?? false;
}
