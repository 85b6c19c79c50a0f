// The limits on a query's shape (graphql-armor while validating, Pothos's complexity while
// executing), each answering one typed error an integrator can act on: `extensions.code`
// QUERY_TOO_COMPLEX with what was measured, the value found and the limit.
import type { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';

type ArmorConfig = NonNullable<Parameters<typeof EnvelopArmorPlugin>[0]>;

export const QUERY_LIMITS = { cost: 5000, depth: 12, aliases: 15, directives: 20, tokens: 5000 } as const;

/** What a QUERY_TOO_COMPLEX error measured; `cost` is armor's, `complexity`, `depth` and `breadth` Pothos's. */
export type QueryMeasure = 'cost' | 'depth' | 'aliases' | 'directives' | 'complexity' | 'breadth';

const ADVICE: Record<QueryMeasure, string> = {
  cost: 'ask for fewer items (a smaller first/last) or fewer fields, or split it into several queries',
  complexity: 'ask for fewer items (a smaller first/last) or fewer fields, or split it into several queries',
  depth: 'select fewer levels of nested fields',
  breadth: 'select fewer fields per level',
  aliases: 'use fewer aliases, or split it into several queries',
  directives: 'use fewer directives',
};

export function queryTooComplex(measure: QueryMeasure, found: number, limit: number): GraphQLError {
  return new GraphQLError(`This query's ${measure} is ${found}, over the limit of ${limit}: ${ADVICE[measure]}.`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', measure, [measure]: found, limit },
  });
}

/**
 * graphql-armor rejects with a "Syntax Error: …" message and no code, but hands the value it
 * measured to `onAccept`; so its own limit is set out of reach and the real one is applied here,
 * reported as a validation error (the request answers 200 with `errors`, nothing executes).
 */
function measuredBy(measure: QueryMeasure, limit: number) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onAccept: [
      (context: ValidationContext | null, details: { n: number }) => {
        if (details.n > limit) context?.reportError(queryTooComplex(measure, details.n, limit));
      },
    ],
  };
}

/** Field suggestions ("Did you mean …?") help a developer and map the schema for a prober: hidden in production. */
export function armorConfig(options: { hideFieldSuggestions: boolean }): ArmorConfig {
  return {
    maxDepth: { n: Number.MAX_SAFE_INTEGER, ...measuredBy('depth', QUERY_LIMITS.depth) },
    maxAliases: { n: Number.MAX_SAFE_INTEGER, ...measuredBy('aliases', QUERY_LIMITS.aliases) },
    maxDirectives: { n: Number.MAX_SAFE_INTEGER, ...measuredBy('directives', QUERY_LIMITS.directives) },
    // Refused while parsing, before there is a document to measure: stays armor's parse error.
    maxTokens: { n: QUERY_LIMITS.tokens },
    costLimit: { maxCost: Number.MAX_SAFE_INTEGER, ...measuredBy('cost', QUERY_LIMITS.cost) },
    blockFieldSuggestion: { enabled: options.hideFieldSuggestions },
  };
}
