// The schema is the sum of the domain files: importing one registers its types and fields.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './error-types.ts';
import './node.ts';
import '../organizations/schema.ts';
import '../api-keys/schema.ts';
import '../event-types/schema.ts';
import '../endpoints/schema.ts';
import '../events/schema.ts';
import '../deliveries/schema.ts';
import '../portal/schema.ts';
import '../operational-events/schema.ts';
import '../audit/schema.ts';

builder.queryType({ description: 'Reads. Lists are paged with cursors; every object is scoped to the organization of the key that asks.' });
builder.mutationType({
  description: 'Writes: each answers its payload or a typed error (select on __typename); an error means nothing was written.',
});
builder.subscriptionType({ description: 'Live changes, over graphql-ws (/graphql) or server-sent events (Accept: text/event-stream).' });

let built: GraphQLSchema | undefined;

/** Built once per process: Pothos schemas are immutable. */
export function heraldSchema(): GraphQLSchema {
  built ??= builder.toSchema({ sortSchema: true });
  return built;
}

/** The SDL checked in as schema.graphql (sorted, so diffs are stable). */
export function printHeraldSchema(): string {
  return `${printSchema(lexicographicSortSchema(heraldSchema()))}\n`;
}
