// The Herald client: queries and mutations over fetch (./transport.ts), subscriptions over
// graphql-ws with reconnection, one typed method per operation of the SDK (generated into
// ./generated/methods.ts) and an async iterator per connection.
import { createClient, type Client as SocketClient } from 'graphql-ws';
import { errorFromGraphQLErrors, HeraldAuthError, HeraldError, HeraldNetworkError, type GraphQLErrorLike } from './errors.ts';
import { operationMethods, paginationMethods, type OperationMethods, type PaginationMethods } from './generated/methods.ts';
import { publishMethods, type PublishMethods } from './publish.ts';
import { createHttpRequester, type HeraldSubscription, type Requester, type Subscriber } from './transport.ts';

export interface HeraldClientOptions {
  /** The GraphQL endpoint, e.g. `https://herald.example.com/graphql`. Subscriptions use the same URL over ws(s)://. */
  url: string | URL;
  /** An organization key (or an admin key for the admin operations). */
  apiKey: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** A WebSocket constructor; defaults to the global `WebSocket` (Node 22+, browsers). */
  webSocketImpl?: unknown;
  /** Time allowed for each try of a request. Default 30 000. */
  timeoutMs?: number;
  /** Aborts every request of this client (subscriptions end with `close()`). */
  signal?: AbortSignal;
  /**
   * Retries of a query or publish after a network error, a timeout, 429, 502, 503 or 504.
   * Default 2. Other mutations are never retried: they might have taken effect.
   */
  retries?: number;
  /** The first retry waits a random time up to this, the next up to twice that, … Default 300. */
  retryDelayMs?: number;
  /** No retry waits longer, `Retry-After` included. Default 10 000. */
  maxRetryDelayMs?: number;
  /** Reconnections of the subscription socket in a row before subscriptions fail. Default 5. */
  reconnectAttempts?: number;
  /** Base of the reconnection backoff (doubling, with jitter, up to 30 s). Default 1 000. */
  reconnectDelayMs?: number;
  /** Told when the subscription socket connects, reconnects or closes. */
  onConnection?: (event: ConnectionEvent) => void;
}

/**
 * The subscription socket's life. After a drop, `connecting` and `connected` come with
 * `reconnect: true`, and every open subscription resumes after the last item it received, with
 * every change it missed (HERALD_CHANGE_RETENTION; an older cursor fails with `CURSOR_EXPIRED`).
 */
export type ConnectionEvent =
  | { type: 'connecting'; reconnect: boolean }
  | { type: 'connected'; reconnect: boolean }
  | { type: 'closed'; code: number | undefined; reason: string | undefined };

/** The generated methods, with `publishEvent`/`publishEvents` typed for JSON payloads and retried with idempotency keys. */
export type HeraldMethods = Omit<OperationMethods, keyof PublishMethods> & PublishMethods;

export interface HeraldClient extends HeraldMethods {
  /** Async iterators over every connection: `for await (const d of herald.paginate.deliveries({ filter }))`. */
  paginate: PaginationMethods;
  /** Runs any typed document (for operations the SDK does not ship). */
  request: Requester;
  /** Starts any typed subscription document. */
  subscribe: Subscriber;
  /** Closes the subscription socket, if one was opened. */
  close(): Promise<void>;
}

/** graphql-ws close code Herald uses for a refused `connection_init` key. */
const FORBIDDEN_CLOSE_CODE = 4403;
const MAX_RECONNECT_DELAY_MS = 30_000;

export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  const url = new URL(options.url);
  const authorization = `Bearer ${options.apiKey}`;
  const request = createHttpRequester({
    url,
    authorization,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    retryDelayMs: options.retryDelayMs ?? 300,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
    signal: options.signal,
  });

  let socket: SocketClient | undefined;
  const openSocket = (): SocketClient => {
    const notify = options.onConnection ?? (() => undefined);
    const reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
    socket ??= createClient({
      url: webSocketUrl(url),
      webSocketImpl: options.webSocketImpl ?? globalThis.WebSocket,
      connectionParams: { authorization },
      retryAttempts: options.reconnectAttempts ?? 5,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_RECONNECT_DELAY_MS, reconnectDelayMs * 2 ** retries))),
      // A refused key stays refused: fail the subscription instead of reconnecting.
      shouldRetry: (reason) => closeCode(reason) !== FORBIDDEN_CLOSE_CODE,
      on: {
        connecting: (isRetry) => notify({ type: 'connecting', reconnect: isRetry }),
        connected: (_socket, _payload, wasRetry) => notify({ type: 'connected', reconnect: wasRetry }),
        closed: (event) => notify({ type: 'closed', code: closeCode(event), reason: closeReason(event) }),
      },
    });
    return socket;
  };

  const subscribe: Subscriber = <TResult, TVariables, TItem>(
    document: { toString(): string },
    variables: TVariables,
    pick: (data: TResult) => TItem,
    subscribeOptions: { signal?: AbortSignal } = {},
  ): HeraldSubscription<TItem> => {
    type Result = { data?: TResult | null | undefined; errors?: readonly GraphQLErrorLike[] | undefined; extensions?: unknown };
    type Step = IteratorResult<Result>;
    // The last cursor received (extensions.herald.cursor). graphql-ws sends the same payload again
    // on every reconnect, and serializes it each time: the variables read here then resume after
    // the last item received, so a dropped socket or an API restart loses nothing and repeats
    // nothing (items received but not yet read stay queued).
    let cursor: string | undefined = (variables as { resumeAfter?: string | null } | null)?.resumeAfter ?? undefined;
    const payload = {
      query: document.toString(),
      get variables(): Record<string, unknown> {
        const given = (variables ?? {}) as Record<string, unknown>;
        return cursor === undefined ? given : { ...given, resumeAfter: cursor };
      },
      // Herald's first result is then an acknowledgement (no data) once the subscription is live.
      extensions: { herald: { ready: true } },
    };
    const results = queueOf<Result>(openSocket(), payload, (result) => {
      const received = (result.extensions as { herald?: { cursor?: unknown } } | undefined)?.herald?.cursor;
      if (typeof received === 'string') cursor = received;
    });
    // Read now, not on the caller's first next(), so `ready` settles without iterating. The
    // acknowledgement is consumed; anything else (an error, or an item from a server that does not
    // acknowledge) is kept for next().
    let settleReady!: (error?: HeraldError) => void;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = (error) => (error ? reject(error) : resolve());
    });
    ready.catch(() => undefined); // Awaiting it is optional: an unobserved rejection is not a crash.
    let head: Promise<Step | null> | null = results.next().then(
      (step) => {
        settleReady(step.done ? new HeraldNetworkError('ABORTED', 'the subscription ended before Herald acknowledged it') : undefined);
        return !step.done && isAcknowledgement(step.value) ? null : step;
      },
      (reason: unknown) => {
        const error = subscriptionError(reason);
        settleReady(error);
        throw error;
      },
    );
    head.catch(() => undefined);
    const stop = () => void subscription.return();
    subscribeOptions.signal?.addEventListener('abort', stop, { once: true });
    const subscription: HeraldSubscription<TItem> = {
      ready,
      get cursor() {
        return cursor;
      },
      async next() {
        if (subscribeOptions.signal?.aborted) return this.return();
        let step: Step;
        try {
          const first = head;
          head = null;
          step = (first && (await first)) ?? (await results.next());
          // A reconnected socket subscribes again, and Herald acknowledges again.
          while (!step.done && isAcknowledgement(step.value)) step = await results.next();
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
        subscribeOptions.signal?.removeEventListener('abort', stop);
        // graphql-ws leaves a pending read unsettled when its iterator is returned.
        settleReady(new HeraldNetworkError('ABORTED', 'the subscription ended before Herald acknowledged it'));
        await results.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return subscription;
      },
    };
    return subscription;
  };

  const generated = operationMethods(request, subscribe);
  return {
    ...generated,
    ...publishMethods(request),
    paginate: paginationMethods(generated),
    request,
    subscribe,
    async close() {
      await socket?.dispose();
      socket = undefined;
    },
  };
}

/**
 * graphql-ws's `iterate`, with a look at each result as it arrives (not when it is read): the
 * results wait in order until read; an error or the end comes after them.
 */
function queueOf<T>(socket: SocketClient, payload: { query: string; variables: Record<string, unknown>; extensions: Record<string, unknown> }, received: (value: T) => void) {
  const pending: T[] = [];
  let end: { error: unknown } | { done: true } | null = null;
  let wake: (() => void) | null = null;
  const settle = () => {
    wake?.();
    wake = null;
  };
  const dispose = socket.subscribe<T>(payload as Parameters<SocketClient['subscribe']>[0], {
    next(value) {
      received(value as T);
      pending.push(value as T);
      settle();
    },
    error(error) {
      end ??= { error };
      settle();
    },
    complete() {
      end ??= { done: true };
      settle();
    },
  });
  return {
    async next(): Promise<IteratorResult<T, undefined>> {
      for (;;) {
        const value = pending.shift();
        if (value !== undefined) return { done: false, value };
        if (end) {
          if ('error' in end) throw end.error;
          return { done: true, value: undefined };
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return(): Promise<IteratorResult<T, undefined>> {
      end ??= { done: true };
      pending.length = 0;
      dispose();
      settle();
      return { done: true, value: undefined };
    },
  };
}

/** Herald's acknowledgement of a live subscription (src/graphql/subscription-ready.ts on the server). */
function isAcknowledgement(result: { data?: unknown; errors?: unknown; extensions?: unknown }): boolean {
  const herald = (result.extensions as { herald?: { subscribed?: unknown } } | undefined)?.herald;
  return result.data == null && result.errors == null && herald?.subscribed === true;
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

function closeReason(reason: unknown): string | undefined {
  if (reason !== null && typeof reason === 'object' && 'reason' in reason && typeof reason.reason === 'string') return reason.reason || undefined;
  return undefined;
}

/** graphql-ws rejects with a CloseEvent, a list of GraphQL errors, or an Error. */
function subscriptionError(reason: unknown): HeraldError {
  const code = closeCode(reason);
  if (code === FORBIDDEN_CLOSE_CODE) return new HeraldAuthError('UNAUTHENTICATED', 'the API key was refused', { cause: reason });
  if (Array.isArray(reason)) return errorFromGraphQLErrors(reason as GraphQLErrorLike[]);
  if (reason instanceof HeraldError) return reason;
  if (code !== undefined) return new HeraldError('SOCKET_CLOSED', `the subscription socket closed (${code})`, { cause: reason });
  if (reason instanceof Error) return new HeraldError('NETWORK', `the subscription socket failed: ${reason.message}`, { cause: reason });
  return new HeraldError('SOCKET_CLOSED', 'the subscription failed', { cause: reason });
}
