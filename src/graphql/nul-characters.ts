// PostgreSQL cannot store the NUL character (U+0000) in text or jsonb: an input holding one would
// fail deep inside a write as a masked fault. It is refused up front instead, for every string a
// request carries (variables, keys of JSON values, and literals in the document), with a clear
// top-level BAD_USER_INPUT. Found by the hostile-input suite (test/faults/hostile-input.test.ts).
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const NUL_MESSAGE = 'Text must not contain the NUL character (\\u0000): PostgreSQL cannot store it.';

export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || containsNul(inner));
  }
  return false;
}

function documentContainsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) found = true;
    },
    ObjectField(node) {
      if (node.name.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

export function useNoNulCharacters(): Plugin {
  const refuse = (args: { document: DocumentNode; variableValues?: unknown }) =>
    containsNul(args.variableValues) || (args.document.kind === Kind.DOCUMENT && documentContainsNul(args.document));
  const error = () => ({ errors: [new GraphQLError(NUL_MESSAGE, { extensions: { code: 'BAD_USER_INPUT' } })] });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (refuse(args)) setResultAndStopExecution(error());
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (refuse(args)) setResultAndStopExecution(error());
    },
  };
}
