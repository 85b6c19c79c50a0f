// JSON inputs are bounded in elements (array items plus object members) before anything coerces or
// walks them. A body is bounded in bytes, but what parsing, coercing and walking it costs grows
// with its elements: a 27 MB `testFilter` payload of 14 M zeros took 15–23 s and 4 GB of memory on
// its way through the NUL check, the JSON scalar's checks and the filter. Here, before execution
// starts (and so before variables are coerced or the NUL check walks them):
// - the request's variables together hold at most `perRequest` elements;
// - each value bound to a JSON argument or input field, and each variable written inside a JSON
//   literal, holds at most `perValue`.
// A JSON literal in the document itself is bounded by the document's token limit (5,000).
// Budgets: jsonElementBudgets in json-value.ts.
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNullableType,
  getOperationAST,
  isInputObjectType,
  isListType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { jsonElementCount } from '../json-value.ts';

export interface JsonElementBudgets {
  perValue: number;
  perRequest: number;
}

interface Execution {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

export function useJsonElementBudget(budgets: JsonElementBudgets): Plugin {
  const refuse = (args: Execution, stop: (result: { errors: GraphQLError[] }) => void) => {
    const problem = budgetProblem(args, budgets);
    if (problem) stop({ errors: [new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT' } })] });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      refuse(args, setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      refuse(args, setResultAndStopExecution);
    },
  };
}

/** The message refusing the request, or null when it fits. */
export function budgetProblem(args: Execution, budgets: JsonElementBudgets): string | null {
  const variables = args.variableValues ?? {};
  if (jsonElementCount(variables, budgets.perRequest) > budgets.perRequest) {
    return `The request's variables hold more than ${budgets.perRequest} JSON elements (array items and object members); a request may hold at most ${budgets.perRequest}.`;
  }
  for (const value of jsonValuesOf(args, variables)) {
    if (jsonElementCount(value, budgets.perValue) > budgets.perValue) {
      return `A JSON value holds more than ${budgets.perValue} elements (array items and object members); one value may hold at most ${budgets.perValue}, as an event payload at HERALD_MAX_PAYLOAD_BYTES does.`;
    }
  }
  return null;
}

/** The raw variable values that will be coerced as JSON scalars. */
function jsonValuesOf({ schema, document, operationName }: Execution, variables: Record<string, unknown>): unknown[] {
  if (document.kind !== Kind.DOCUMENT) return [];
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return [];
  const found: unknown[] = [];
  // Typed positions: walk each variable's value along its declared type down to the JSON scalars.
  // An explicit stack: an input type may refer to itself, and lists may be long.
  const pending: Array<[unknown, GraphQLInputType]> = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type && Object.hasOwn(variables, definition.variable.name.value)) pending.push([variables[definition.variable.name.value], type]);
  }
  while (pending.length > 0) {
    const [value, maybeNull] = pending.pop()!;
    if (value === null || value === undefined) continue;
    const type = getNullableType(maybeNull);
    if (isListType(type)) {
      if (Array.isArray(value)) for (const item of value) pending.push([item, type.ofType]);
      else pending.push([value, type.ofType]);
    } else if (isInputObjectType(type)) {
      if (typeof value !== 'object' || Array.isArray(value)) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        if (Object.hasOwn(value, name)) pending.push([(value as Record<string, unknown>)[name], field.type]);
      }
    } else if (type.name === 'JSON') {
      found.push(value);
    }
  }
  // A variable written inside a JSON literal (`payload: { items: $items }`) has no input type at its
  // position, whatever it was declared as, and the JSON scalar takes its raw value. Validation has
  // run, so an untyped position is inside a scalar's literal (DateTime takes only strings).
  const typeInfo = new TypeInfo(schema);
  visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      Variable(node) {
        if (typeInfo.getInputType() === undefined) {
          found.push(variables[node.name.value]);
        }
      },
    }),
  );
  return found;
}
