import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { builder } from './builder.ts';
import { JSON_PROBLEM_MESSAGES, MAX_JSON_DEPTH, jsonValueProblem } from '../json-value.ts';

builder.scalarType('DateTime', {
  description: 'An instant in UTC, as an ISO 8601 string (2026-11-24T19:30:00.000Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('JSON', {
  // The printed schema.graphql (and the SDK's copy) carry this text; changing it means reprinting them.
  description: 'Any JSON value. An object key "__proto__" is refused (it cannot be stored faithfully).',
  serialize: (value) => value,
  parseValue: (value) => checkedJson(value),
  parseLiteral: (ast, variables) => checkedJson(literalToJson(ast, variables ?? undefined, 0)),
});

/** Checked once, without recursion, before anything else walks the value (see json-value.ts). */
function checkedJson(value: unknown): unknown {
  const problem = jsonValueProblem(value);
  if (problem) throw new GraphQLError(JSON_PROBLEM_MESSAGES[problem], { extensions: { code: 'BAD_USER_INPUT' } });
  return value;
}

function parseDateTime(value: unknown): Date {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone, such as 2026-11-24T19:30:00Z.');
}

/**
 * A literal is built recursively, so its depth is bounded as it goes (the parser's token limit
 * bounds it too); a variable inside it is a raw value, checked with the whole by checkedJson.
 */
function literalToJson(ast: ValueNode, variables: Record<string, unknown> | undefined, depth: number): unknown {
  if ((ast.kind === Kind.LIST || ast.kind === Kind.OBJECT) && depth >= MAX_JSON_DEPTH) {
    throw new GraphQLError(JSON_PROBLEM_MESSAGES['too-deep'], { extensions: { code: 'BAD_USER_INPUT' } });
  }
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((item) => literalToJson(item, variables, depth + 1));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalToJson(field.value, variables, depth + 1)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new GraphQLError('Not a JSON value.');
  }
}
