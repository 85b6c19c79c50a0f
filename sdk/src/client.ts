// The Herald client: queries and mutations over fetch, subscriptions over graphql-ws, and one
// typed method per operation of the SDK (generated into ./generated/methods.ts).
import { createClient, type Client as SocketClient } from 'graphql-ws';
import { errorFromGraphQLErrors, HeraldAuthError, HeraldRequestError, type GraphQLErrorLike } from './errors.ts';
import { operationMethods, type OperationMethods } from './generated/methods.ts';
import type { HeraldSubscription, Requester, Subscriber } from './transport.ts';

export interface HeraldClientOptions {
  /** The GraphQL endpoint, e.g. `https://herald.example.com/graphql`. Subscriptions use the same URL over ws(s)://. */
  url: string | URL;
  /** An organization key (or an admin key for the admin operations). */
  apiKey: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** A WebSocket constructor; defaults to the global `WebSocket` (Node 22+, browsers). */
  webSocketImpl?: unknown;
}

export interface HeraldClient extends OperationMethods {
  /** Runs any typed document (for operations the SDK does not ship). */
  request: Requester;
  /** Starts any typed subscription document. */
  subscribe: Subscriber;
  /** Closes the subscription socket, if one was opened. */
  close(): Promise<void>;
}

/** graphql-ws close code Herald uses for a refused `connection_init` key. */
const FORBIDDEN_CLOSE_CODE = 4403;

export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  const url = new URL(options.url);
  const authorization = `Bearer ${options.apiKey}`;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  const request: Requester = async (document, variables) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization,
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = await readGraphQLBody(response);
    if (body.errors && body.errors.length > 0) throw errorFromGraphQLErrors(body.errors, response.status);
    if (body.data == null) throw new HeraldRequestError(`Herald answered ${response.status} without data`, { status: response.status });
    // The document's type parameter is the shape of `data`: the server validated the query.
    return body.data as never;
  };

  let socket: SocketClient | undefined;
  const openSocket = (): SocketClient => {
    socket ??= createClient({
      url: webSocketUrl(url),
      webSocketImpl: options.webSocketImpl ?? globalThis.WebSocket,
      connectionParams: { authorization },
      // A refused key stays refused: fail the subscription instead of reconnecting five times.
      shouldRetry: (reason) => closeCode(reason) !== FORBIDDEN_CLOSE_CODE,
    });
    return socket;
  };

  const subscribe: Subscriber = <TResult, TVariables, TItem>(
    document: { toString(): string },
    variables: TVariables,
    pick: (data: TResult) => TItem,
  ): HeraldSubscription<TItem> => {
    const results = openSocket().iterate<TResult>({
      query: document.toString(),
      variables: (variables ?? {}) as Record<string, unknown>,
    });
    const subscription: HeraldSubscription<TItem> = {
      async next() {
        let step: IteratorResult<{ data?: TResult | null; errors?: readonly GraphQLErrorLike[] }>;
        try {
          step = await results.next();
        } catch (reason) {
          throw subscriptionError(reason);
        }
        if (step.done) return { done: true, value: undefined };
        const { data, errors } = step.value;
        if (errors && errors.length > 0) {
          await results.return?.();
          throw errorFromGraphQLErrors(errors);
        }
        return { done: false, value: pick(data as TResult) };
      },
      async return() {
        await results.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return subscription;
      },
    };
    return subscription;
  };

  return {
    ...operationMethods(request, subscribe),
    request,
    subscribe,
    async close() {
      await socket?.dispose();
      socket = undefined;
    },
  };
}

async function readGraphQLBody(response: Response): Promise<{ data?: unknown; errors?: GraphQLErrorLike[] }> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object') return body;
  } catch {
    // Not JSON: a proxy's error page, for instance. Reported below with the status.
  }
  throw new HeraldRequestError(`Herald answered ${response.status} with a body that is not a GraphQL response`, {
    status: response.status,
  });
}

function webSocketUrl(url: URL): string {
  const socketUrl = new URL(url);
  socketUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return socketUrl.toString();
}

function closeCode(reason: unknown): number | undefined {
  if (reason !== null && typeof reason === 'object' && 'code' in reason && typeof reason.code === 'number') return reason.code;
  return undefined;
}

/** graphql-ws rejects with a CloseEvent, a list of GraphQL errors, or an Error. */
function subscriptionError(reason: unknown): Error {
  if (closeCode(reason) === FORBIDDEN_CLOSE_CODE) {
    return new HeraldAuthError('UNAUTHENTICATED', 'the API key was refused');
  }
  if (Array.isArray(reason)) return errorFromGraphQLErrors(reason as GraphQLErrorLike[]);
  if (reason instanceof Error) return reason;
  const code = closeCode(reason);
  return new HeraldRequestError(code === undefined ? 'the subscription failed' : `the subscription socket closed (${code})`);
}
