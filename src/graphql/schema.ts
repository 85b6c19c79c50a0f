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

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

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
