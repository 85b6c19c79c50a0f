// The primitives every generated method is built on, and their HTTP implementation: one POST per
// try, a timeout per try, the caller's AbortSignal, and bounded retries with exponential backoff
// and full jitter for requests that are safe to send twice. Browser-safe: fetch, AbortSignal and
// timers only.
import { errorFromGraphQLErrors, type HeraldError, HeraldNetworkError, HeraldRequestError, type GraphQLErrorLike } from './errors.ts';
import type { TypedDocumentString } from './generated/operations.ts';

/** Options of one call; each overrides the client's. */
export interface RequestOptions {
  /** Aborts the call (every try and the waits between them): rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Time allowed for each try; a try that takes longer fails with code `TIMEOUT`. */
  timeoutMs?: number;
  /** Retries after a network error, a timeout, 429, 502, 503 or 504, for queries and idempotent publishes. */
  retries?: number;
  /**
   * A W3C `traceparent` (`00-<trace id>-<span id>-<flags>`) sent with the call: a publish continues
   * that trace through every attempt of its deliveries (Herald's docs/telemetry.md).
   */
  traceparent?: string;
  /** The W3C `tracestate` that goes with `traceparent`. */
  tracestate?: string;
}

/** What the SDK passes beside the caller's options. */
export interface TransportOptions extends RequestOptions {
  /** Safe to send twice: a query, or a publish carrying an idempotency key. Only these are retried. */
  idempotent?: boolean;
}

/** Runs a query or mutation and resolves with its `data`; top-level errors reject with a HeraldError. */
export type Requester = <TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options?: TransportOptions,
) => Promise<TResult>;

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Ends the subscription: the iteration finishes as after `return()`. */
  signal?: AbortSignal;
}

/** Starts a subscription; each item is `pick(data)` of one result. */
export type Subscriber = <TResult, TVariables, TItem>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  pick: (data: TResult) => TItem,
  options?: SubscribeOptions,
) => HeraldSubscription<TItem>;

/**
 * A live subscription: `for await` over it, and `break` (or call `return()`) to unsubscribe.
 * Iteration throws a `HeraldAuthError` when the key is refused and a `HeraldError` for any other
 * error the server sends, or when the socket cannot reconnect.
 */
export interface HeraldSubscription<TItem> extends AsyncIterableIterator<TItem> {
  /**
   * Resolves once Herald has registered the subscription: every change after that is delivered.
   * Await it before acting on what you follow (publishing, retrying). Rejects with the error that
   * ends the subscription first, or `ABORTED` when it is ended before; nothing is yielded for it.
   */
  readonly ready: Promise<void>;
  /**
   * The `extensions.herald.cursor` of the last item received: pass it as `resumeAfter` to a new
   * subscription to go on where this one stopped (this one does so itself after a reconnect).
   */
  readonly cursor: string | undefined;
  return(): Promise<IteratorResult<TItem, undefined>>;
}

export interface HttpTransportOptions {
  url: URL;
  authorization: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  retries: number;
  /** First retry waits up to this long, the next up to twice as long, and so on. */
  retryDelayMs: number;
  /** No wait exceeds this, `Retry-After` included. */
  maxRetryDelayMs: number;
  signal: AbortSignal | undefined;
}

/** HTTP statuses that say "try again": rate limited, or a gateway in front of Herald failed. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export function createHttpRequester(transport: HttpTransportOptions): Requester {
  return async (document, variables, options = {}) => {
    const retries = options.idempotent ? (options.retries ?? transport.retries) : 0;
    const signal = anySignal([transport.signal, options.signal]);
    const body = JSON.stringify({ query: document.toString(), variables }, dateAsIsoString);
    const trace = traceHeaders(options);
    for (let attempt = 0; ; attempt++) {
      const outcome = await tryOnce(transport, body, signal, options.timeoutMs ?? transport.timeoutMs, trace);
      if (!(outcome instanceof Failure)) return outcome.data as never;
      if (attempt >= retries || !outcome.retryable) throw outcome.error;
      const backoff = Math.random() * Math.min(transport.maxRetryDelayMs, transport.retryDelayMs * 2 ** attempt);
      await delay(Math.min(transport.maxRetryDelayMs, outcome.retryAfterMs ?? backoff), signal);
    }
  };
}

type Outcome = { data: unknown } | Failure;

/** A failed try; `retryable` only for failures that left the server unchanged or are safe to repeat. */
class Failure {
  readonly error: HeraldError;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(error: HeraldError, retryable: boolean, retryAfterMs?: number) {
    this.error = error;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The trace headers of a call: none without a traceparent (a tracestate alone means nothing). */
function traceHeaders({ traceparent, tracestate }: RequestOptions): Record<string, string> {
  if (!traceparent) return {};
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

async function tryOnce(transport: HttpTransportOptions, body: string, signal: AbortSignal | undefined, timeoutMs: number, trace: Record<string, string>): Promise<Outcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = anySignal([signal, timeout])!;
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(transport.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: transport.authorization,
        ...trace,
      },
      body,
      signal: combined,
    });
    // The body counts against the timeout too: a server may stall after the headers.
    text = await response.text();
  } catch (cause) {
    if (signal?.aborted) return new Failure(aborted(signal), false);
    if (timeout.aborted) return new Failure(new HeraldNetworkError('TIMEOUT', `Herald did not answer within ${timeoutMs} ms`, { cause }), true);
    return new Failure(new HeraldNetworkError('NETWORK', `cannot reach Herald at ${transport.url.origin}: ${describe(cause)}`, { cause }), true);
  }

  const status = response.status;
  const retryable = RETRY_STATUSES.has(status);
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  const parsed = parseGraphQLBody(text);
  if (parsed === null) {
    const error = response.ok
      ? new HeraldRequestError('BAD_RESPONSE', `Herald answered ${status} with a body that is not a GraphQL response`, { status })
      : new HeraldRequestError('HTTP_STATUS', `Herald answered ${status} ${response.statusText}`.trim(), { status });
    return new Failure(error, retryable, retryAfterMs);
  }
  if (parsed.errors && parsed.errors.length > 0) return new Failure(errorFromGraphQLErrors(parsed.errors, status), retryable, retryAfterMs);
  if (parsed.data == null) return new Failure(new HeraldRequestError('BAD_RESPONSE', `Herald answered ${status} without data`, { status }), retryable, retryAfterMs);
  return { data: parsed.data };
}

function parseGraphQLBody(text: string): { data?: unknown; errors?: GraphQLErrorLike[] } | null {
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object' && ('data' in body || 'errors' in body)) return body as { data?: unknown; errors?: GraphQLErrorLike[] };
  } catch {
    // Not JSON: a proxy's error page, for instance.
  }
  return null;
}

/** `Retry-After` in seconds or as an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** `Date` variables travel as ISO 8601 strings, the DateTime scalar's format. */
function dateAsIsoString(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  // toISOString throws a RangeError for an invalid Date, where JSON.stringify would send null.
  return original instanceof Date ? original.toISOString() : value;
}

function aborted(signal: AbortSignal): HeraldNetworkError {
  return new HeraldNetworkError('ABORTED', 'the request was aborted', { cause: signal.reason });
}

function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** fetch's TypeError says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is its cause. */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}`.trim() : cause.message;
  }
  return String(cause);
}
