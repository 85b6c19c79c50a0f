// PostgreSQL cannot store the NUL character (U+0000) or a lone UTF-16 surrogate in text or jsonb:
// an input holding one would fail deep inside a write as a masked fault. Both are refused up
// front instead, for every string a request carries (variables, keys of JSON values, and literals
// in the document), with a clear top-level BAD_USER_INPUT. Found by the hostile-input suite
// (test/faults/hostile-input.test.ts).
//
// This runs before variables are coerced, so it is the first walk over a JSON value of any depth:
// json-value.ts walks with an explicit stack (a payload nested thousands deep once overflowed
// the recursive walk here), and graphql-js's `visit` is iterative too.
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { JSON_PROBLEM_MESSAGES, textProblem, variablesProblem, type TextProblem } from '../json-value.ts';

function documentProblem(document: DocumentNode): TextProblem | null {
  let found: TextProblem | null = null;
  visit(document, {
    StringValue(node) {
      found ??= textProblem(node.value);
    },
    ObjectField(node) {
      found ??= textProblem(node.name.value);
    },
  });
  return found;
}

export function useNoNulCharacters(): Plugin {
  const problemOf = (args: { document: DocumentNode; variableValues?: unknown }) =>
    variablesProblem(args.variableValues) ?? (args.document.kind === Kind.DOCUMENT ? documentProblem(args.document) : null);
  const error = (problem: TextProblem) => ({
    errors: [new GraphQLError(JSON_PROBLEM_MESSAGES[problem], { extensions: { code: 'BAD_USER_INPUT' } })],
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const problem = problemOf(args);
      if (problem) setResultAndStopExecution(error(problem));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const problem = problemOf(args);
      if (problem) setResultAndStopExecution(error(problem));
    },
  };
}
