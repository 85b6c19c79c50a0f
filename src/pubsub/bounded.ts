// Subscriptions listen on the change feed's EventTarget directly, and each keeps only what it
// wants: its filter runs in the listener, before anything is queued. (Filtering after a queue
// made every subscription queue every notice of its organization: at 1,000 subscriptions that was
// most of the API's CPU, measured by `npm run bench`.)
//
// The listener is registered when `listen` is called, not on the first `next()` (as an async
// generator or a Repeater would): a subscription is acknowledged once its subscribe resolver has
// returned (src/graphql/subscription-ready.ts), and from then on it must hear every notice. The
// caller must end it with `return()`; graphql-js and graphql-ws always do, even for a
// subscription cancelled before its first result.
//
// A subscriber that reads slower than changes arrive must not grow the server's memory, nor lose
// changes unseen: each subscription keeps at most `size` notices waiting. Past that, with an
// `overflow` handler, it stops listening and calls it (the transport closes the socket, and the
// client resumes after its last cursor, src/graphql/subscription-lag.ts); without one, the oldest
// is dropped (each notice carries its row's state, so the latest state is never lost).

export const SUBSCRIPTION_BUFFER = 1_000;

export function listen<T>(
  target: EventTarget,
  topic: string,
  keep: (value: T) => boolean = () => true,
  size = SUBSCRIPTION_BUFFER,
  overflow?: () => void,
): AsyncIterableIterator<T> {
  const waiting: T[] = [];
  const readers: Array<(step: IteratorResult<T, undefined>) => void> = [];
  let ended = false;
  const listener = (event: Event) => {
    const value = (event as CustomEvent<T>).detail;
    if (!keep(value)) return;
    const reader = readers.shift();
    if (reader) return reader({ done: false, value });
    waiting.push(value);
    if (waiting.length <= size) return;
    if (!overflow) {
      waiting.shift();
      return;
    }
    end();
    overflow();
  };
  target.addEventListener(topic, listener);
  const end = () => {
    if (ended) return;
    ended = true;
    target.removeEventListener(topic, listener);
    waiting.length = 0;
    for (const reader of readers.splice(0)) reader({ done: true, value: undefined });
  };
  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (waiting.length > 0) return Promise.resolve({ done: false, value: waiting.shift()! });
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => readers.push(resolve));
    },
    return() {
      end();
      return Promise.resolve({ done: true, value: undefined });
    },
    throw(error: unknown) {
      end();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
