// The Pothos builder: plugins and conventions only. Types live with their domain
// (src/<domain>/schema.ts) and src/graphql/schema.ts imports them all.
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin, { ComplexityErrorKind } from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { actingOrganization } from '../auth/principal.ts';
import type { Scope } from '../auth/scopes.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type PrismaTypes from '../generated/pothos-types.ts';
import type { Context } from './context.ts';
import { decodeGlobalId, encodeGlobalId } from '../global-id.ts';
import { queryTooComplex } from './query-limits.ts';

export interface AuthScopes {
  admin: boolean;
  /** Any key of an organization, portal sessions included. */
  organization: boolean;
  /** A long-lived organization key, not a portal session (minting and revoking sessions). */
  organizationKey: boolean;
  scope: Scope;
}

// One code for all three (a client's remedy is the same: send a valid key); the message says which.
const MISSING_KEY_MESSAGES = {
  MISSING: 'No API key was sent: send the header Authorization: Bearer <key>.',
  MALFORMED: 'The Authorization header is not a bearer key: send Authorization: Bearer <key>, the key whole, with no quotes or spaces.',
  UNKNOWN: 'This API key is not known to this Herald: check that it was copied whole and was created on this server (a key is shown once, when it is created).',
} as const;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Order matters: relay first so scope-auth sees parsed ids; scope-auth outside errors so an
  // authorization failure is never turned into a union member; errors before prisma.
  plugins: [RelayPlugin, ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // The connection types the plugin generates share these descriptions (one per role, not per type).
    edgesFieldOptions: { nullable: false, description: 'The items of this page, in the order of the list, each with its cursor.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: { description: 'Pass as `after` (or `before`) to page on from this item.' },
    pageInfoFieldOptions: { description: 'Whether there are more pages, and the cursors to reach them.' },
    hasNextPageFieldOptions: { description: 'True when `after: endCursor` answers more items.' },
    hasPreviousPageFieldOptions: { description: 'True when `before: startCursor` answers more items.' },
    startCursorFieldOptions: { description: "The first item's cursor; null on an empty page." },
    endCursorFieldOptions: { description: "The last item's cursor; null on an empty page." },
    afterArgOptions: { description: 'A cursor from the previous page (`pageInfo.endCursor`): items after it.' },
    beforeArgOptions: { description: 'A cursor (`pageInfo.startCursor`): items before it.' },
    firstArgOptions: { description: 'How many items after `after` (default 20, at most 100).' },
    lastArgOptions: { description: 'How many items before `before` (at most 100).' },
    pageInfoTypeOptions: { description: 'Where a page stands in its list (Relay cursor connections).' },
    idFieldOptions: { description: 'The global id: stable, opaque; fetch the object again with node(id:).' },
    nodeTypeOptions: { description: 'An object with a global id, fetchable again with `node(id:)`.' },
    defaultConnectionTypeOptions: { description: 'One page of a list: its items (`edges`) and how to reach the next page (`pageInfo`).' },
    defaultEdgeTypeOptions: { description: 'One item of a page, with the cursor that points at it.' },
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    // The node query (src/graphql/node.ts) decodes ids itself so that malformed ids answer null.
    decodeGlobalID: (globalID) => decodeGlobalId(globalID) ?? { typename: '', id: '' },
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    treatErrorsAsUnauthorized: true,
    authScopes: (ctx) => ({
      admin: ctx.principal?.kind === 'admin',
      organization: ctx.principal?.kind === 'organization',
      organizationKey: ctx.principal?.kind === 'organization' && !ctx.principal.session,
      // Admin keys hold the operator organization's scopes (src/organizations/operator.ts).
      scope: (scope) => actingOrganization(ctx.principal)?.scopes.has(scope) ?? false,
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.principal
        ? new GraphQLError('This key is not allowed to do that.', { extensions: { code: 'FORBIDDEN' } })
        : ctx.keyRefusal
          ? new GraphQLError(ctx.keyRefusal === 'EXPIRED' ? 'This key has expired.' : 'This key was revoked.', {
              extensions: { code: 'UNAUTHENTICATED', reason: ctx.keyRefusal },
            })
          : new GraphQLError(MISSING_KEY_MESSAGES[ctx.keyProblem ?? 'MISSING'], { extensions: { code: 'UNAUTHENTICATED' } }),
  },
  errors: {
    directResult: true,
    defaultUnionOptions: {
      description: "The mutation's payload when it succeeded, or the typed error that says why not: select on `__typename`.",
      name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result`,
    },
  },
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    defaultConnectionSize: 20,
    maxConnectionSize: 100,
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: { complexity: 5000, depth: 10, breadth: 200 },
    complexityError: (kind, result) =>
      kind === ComplexityErrorKind.Depth
        ? queryTooComplex('depth', result.depth, result.maxDepth ?? 0)
        : kind === ComplexityErrorKind.Breadth
          ? queryTooComplex('breadth', result.breadth, result.maxBreadth ?? 0)
          : queryTooComplex('complexity', result.complexity, result.maxComplexity ?? 0),
  },
});
