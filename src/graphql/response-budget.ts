// How many bytes of event payloads and receiver response bodies one GraphQL response may carry.
// Query cost limits count fields, not bytes: three aliased `events(first: 100) { payload }` stay
// under the cost limit yet return 300 payloads of up to HERALD_MAX_PAYLOAD_BYTES each (a 77 MB
// response in the pen test). Each large field is charged against the budget as it resolves; once
// the budget is spent the field answers RESPONSE_TOO_LARGE and the response stays near the budget.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Fresh per HTTP request and per graphql-ws operation: a budget is never shared between them. A
 * subscription's budget is per event (see useResponseBudgetPerEvent).
 */
export interface ResponseBudget {
  readonly limit: number;
  spent: number;
}

export function createResponseBudget(limit: number): ResponseBudget {
  return { limit, spent: 0 };
}

/**
 * Charges a value about to be returned (a JSON payload, or a string) and returns it; throws
 * RESPONSE_TOO_LARGE when it does not fit in what is left. A refused value costs nothing, so a
 * smaller one after it may still fit.
 */
export function chargeResponseBytes<T>(ctx: { responseBudget: ResponseBudget }, value: T): T {
  if (value === null || value === undefined) return value;
  const bytes = Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  const budget = ctx.responseBudget;
  if (budget.spent + bytes > budget.limit) {
    throw new GraphQLError(
      `This response already carries ${budget.spent} of at most ${budget.limit} bytes of payloads and response bodies (HERALD_MAX_RESPONSE_BYTES); ask for fewer items per request.`,
      { extensions: { code: 'RESPONSE_TOO_LARGE' } },
    );
  }
  budget.spent += bytes;
  return value;
}

/**
 * A subscription executes every event with the one context of its operation; without this, a
 * dashboard following deliveryUpdated would run out of budget after its first few MiB and read
 * RESPONSE_TOO_LARGE for good. Events are executed one after another, so each starts afresh.
 */
export function useResponseBudgetPerEvent(): Plugin<{ responseBudget: ResponseBudget }> {
  return {
    onSubscribe({ args }) {
      const budget = args.contextValue.responseBudget;
      return {
        onSubscribeResult: () => ({
          onNext: () => {
            budget.spent = 0;
          },
        }),
      };
    },
  };
}
