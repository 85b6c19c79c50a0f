import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { builder } from './builder.ts';

builder.scalarType('DateTime', {
  description: 'An instant in UTC, as an ISO 8601 string (2026-11-24T19:30:00.000Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('JSON', {
  description: 'Any JSON value. An object key "__proto__" is refused (it cannot be stored faithfully).',
  serialize: (value) => value,
  parseValue: (value) => refuseProtoKeys(value),
  parseLiteral: (ast, variables) => refuseProtoKeys(literalToJson(ast, variables ?? undefined)),
});

/**
 * Prisma rebuilds JSON objects by assignment before it stores them, so a "__proto__" key was
 * either dropped silently (its value became the copy's prototype) or, with null, failed the write
 * as a masked fault. Such a key is refused up front. Found by the hostile-input suite.
 */
function refuseProtoKeys(value: unknown): unknown {
  if (hasProtoKey(value)) throw new GraphQLError('JSON objects must not have a "__proto__" key.', { extensions: { code: 'BAD_USER_INPUT' } });
  return value;
}

function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.hasOwn(value, '__proto__') || Object.values(value).some(hasProtoKey);
}

function parseDateTime(value: unknown): Date {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone, such as 2026-11-24T19:30:00Z.');
}

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | undefined): unknown {
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
      return ast.values.map((item) => literalToJson(item, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalToJson(field.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new GraphQLError('Not a JSON value.');
  }
}
