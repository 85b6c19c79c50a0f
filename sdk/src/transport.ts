// The two primitives every generated method is built on. `createHeraldClient` provides them
// over fetch and graphql-ws; tests or unusual transports can provide their own.
import type { TypedDocumentString } from './generated/operations.ts';

/** Runs a query or mutation and resolves with its `data`; top-level errors reject. */
export type Requester = <TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
) => Promise<TResult>;

/** Starts a subscription; each item is `pick(data)` of one result. */
export type Subscriber = <TResult, TVariables, TItem>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  pick: (data: TResult) => TItem,
) => HeraldSubscription<TItem>;

/**
 * A live subscription: `for await` over it, and `break` (or call `return()`) to unsubscribe.
 * Iteration throws a `HeraldAuthError` when the key is refused and a `HeraldRequestError` for
 * any other error the server sends.
 */
export interface HeraldSubscription<TItem> extends AsyncIterableIterator<TItem> {
  return(): Promise<IteratorResult<TItem, undefined>>;
}
