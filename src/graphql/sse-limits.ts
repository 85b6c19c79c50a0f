// SSE subscriptions (GraphQL over HTTP with `Accept: text/event-stream`) held to the limits that
// graphql-ws sockets are held to, per API process (docs/security.md):
// - each stream is one operation of its key's HERALD_MAX_SUBSCRIPTIONS_PER_KEY, the same budget as
//   the key's graphql-ws operations (AppServices.subscriptionBudget);
// - a key holds at most HERALD_MAX_SSE_STREAMS_PER_KEY streams, the analogue of sockets per key;
// past either, the request is answered TOO_MANY_SUBSCRIPTIONS before any subscription starts, so a
// flood past the limit registers no listener. A stream's slot is released when it ends, however it
// ends: the client goes away (Yoga returns the iterator), the source completes or fails.
// A revoked or expired key's streams end with one UNAUTHENTICATED result: at once when an event
// finds the key revoked (subscription-auth.ts), or, idle, at the next periodic check of the keys
// holding streams — the same rule and interval as graphql-ws (websocket.ts).
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../log.ts';
import type { AppServices, Context } from './context.ts';
import { createSocketLedger } from './socket-limits.ts';
import { hasKeyRevokedHandler, onKeyRevoked } from './subscription-auth.ts';
import { watchRevokedKeys } from './revoked-key-watch.ts';

/** One open SSE stream; `end` closes it from the server's side. */
interface Stream {
  end(): void;
}

export interface SseLimits {
  plugin: Plugin<Context>;
  /** What the streams hold now (all 0 once every stream ended). */
  held(): { streams: number; subscriptions: number; keys: number };
}

export function createSseLimits(services: AppServices, log: Logger, keyCheckMs: number): SseLimits {
  const { config } = services;
  const ledger = createSocketLedger<Stream>(
    { maxSubscriptionsPerSocket: 1, maxSubscriptionsPerKey: config.maxSubscriptionsPerKey, maxSocketsPerKey: config.maxStreamsPerKey },
    services.subscriptionBudget,
  );

  const endStreamsOf = (keyId: string) => {
    const streams = ledger.socketsOf(keyId);
    if (streams.length === 0) return;
    for (const stream of streams) stream.end();
    log.info('closed the SSE streams of a revoked key', { keyId, streams: streams.length });
  };

  const keyWatch = watchRevokedKeys({ db: services.db, intervalMs: keyCheckMs, keyIds: () => ledger.keyIds(), onRevoked: endStreamsOf, log, what: 'SSE' });

  const plugin: Plugin<Context> = {
    onSubscribe({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue;
      // graphql-ws counts its operations in its own ledger and has set its revocation handler.
      if (hasKeyRevokedHandler(ctx) || !ctx.principal) return;
      const keyId = ctx.principal.keyId;
      let ended: (() => void) | null = null;
      const stream: Stream = { end: () => ended?.() };
      if (!ledger.open(stream, keyId)) {
        setResultAndStopExecution(refusal(`This key already holds ${config.maxStreamsPerKey} SSE streams; close one first.`));
        return;
      }
      const slot = ledger.acquire(stream);
      if (!slot.ok) {
        ledger.close(stream);
        setResultAndStopExecution(refusal(`This key already holds ${config.maxSubscriptionsPerKey} subscriptions over its sockets and streams; complete one first.`));
        return;
      }
      keyWatch.wake();
      const release = () => ledger.close(stream);
      onKeyRevoked(ctx, endStreamsOf);
      return {
        onSubscribeResult({ result, setResult }) {
          // Not a stream: an error (auth, validation) sent at once; nothing stays open.
          if (!isAsyncIterable(result)) return release();
          const closable = closableStream(result, release);
          ended = () => closable.close({ errors: [new GraphQLError('This key was revoked or has expired.', { extensions: { code: 'UNAUTHENTICATED' } })] });
          setResult(closable.iterator);
        },
        onSubscribeError: release,
      };
    },
  };

  return {
    plugin,
    held: () => {
      const { sockets, subscriptions, keys } = ledger.totals();
      return { streams: sockets, subscriptions, keys };
    },
  };
}

function refusal(message: string): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })] };
}

/**
 * `source` with a way to end it from outside: `close(last)` answers a pending (or the next) read
 * with `last`, then done, and returns the source at once (its listeners go, even while idle). A
 * hand-written iterator, as in websocket.ts: a generator's return() would wait for the pending next().
 */
function closableStream<T>(source: AsyncIterable<T>, onEnd: () => void): { iterator: AsyncIterableIterator<T>; close(last: T): void } {
  const inner = source[Symbol.asyncIterator]();
  let finished = false;
  let last: { value: T } | null = null;
  let wake: (() => void) | null = null;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const finish = () => {
    if (finished) return;
    finished = true;
    onEnd();
  };
  const done = (): IteratorResult<T> => ({ done: true, value: undefined });
  const fromLast = (): IteratorResult<T> => {
    if (!last) return done();
    const step: IteratorResult<T> = { done: false, value: last.value };
    last = null;
    return step;
  };
  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (finished) return Promise.resolve(fromLast());
      return Promise.race([
        inner.next().then(
          (step) => {
            if (step.done) finish();
            return finished && !step.done ? fromLast() : step;
          },
          (error: unknown) => {
            finish();
            throw error;
          },
        ),
        woken.then(fromLast),
      ]);
    },
    async return() {
      finish();
      last = null;
      return (await inner.return?.()) ?? done();
    },
    async throw(error: unknown) {
      finish();
      if (inner.throw) return inner.throw(error);
      await inner.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    close(value) {
      if (finished) return;
      last = { value };
      finish();
      wake?.();
      void inner.return?.()?.catch(() => undefined);
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
