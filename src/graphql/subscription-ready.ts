// Tells a client when its subscription is live, so that it can act (publish, retry a delivery)
// knowing it will hear every change that follows. A subscription is live once its subscribe
// resolver has returned: change-feed listeners register then, not on the first read
// (src/pubsub/bounded.ts). The acknowledgement is a first result with no data,
// `{ extensions: { herald: { subscribed: true } } }`, sent when the request asks for it with
// `extensions: { herald: { ready: true } }` (the SDK always does). Only then: a result with neither
// data nor errors is outside the GraphQL spec's response shape, and a client that did not ask
// could take it for an event. An envelop hook, so graphql-ws and SSE both have it.
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const SUBSCRIBED: ExecutionResult = { extensions: { herald: { subscribed: true } } };

/** Whether the operation's request extensions ask for the acknowledgement. */
export function asksForReady(params: unknown): boolean {
  const extensions = (params as { extensions?: { herald?: { ready?: unknown } } } | undefined)?.extensions;
  return extensions?.herald?.ready === true;
}

export function useSubscriptionReady(): Plugin<{ params?: unknown }> {
  return {
    onSubscribe({ args }) {
      if (!asksForReady(args.contextValue.params)) return;
      return {
        onSubscribeResult({ result, setResult }) {
          // A result that is not a stream is an error (validation, auth): sent as is, no acknowledgement.
          if (isAsyncIterable(result)) setResult(acknowledgedFirst(result));
        },
      };
    },
  };
}

/** `SUBSCRIBED`, then `results`; returning or throwing reaches `results` even before its first result. */
function acknowledgedFirst(results: AsyncIterable<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  const inner = results[Symbol.asyncIterator]();
  let acknowledged = false;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next() {
      if (acknowledged) return inner.next();
      acknowledged = true;
      return Promise.resolve({ done: false, value: SUBSCRIBED });
    },
    async return() {
      acknowledged = true;
      return (await inner.return?.()) ?? { done: true, value: undefined };
    },
    async throw(error: unknown) {
      acknowledged = true;
      if (inner.throw) return inner.throw(error);
      await inner.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
