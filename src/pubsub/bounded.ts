// A subscriber that reads slower than changes arrive must not grow the server's memory: each
// subscription keeps at most `size` notices waiting and drops the oldest beyond that. (Each notice
// carries its delivery's status, so a consumer that falls behind loses intermediate statuses, not
// the latest one.) The source is drained eagerly, so its own unbounded queue stays empty.
import { Repeater, SlidingBuffer } from 'graphql-yoga';

export const SUBSCRIPTION_BUFFER = 1_000;

export function bounded<T>(source: AsyncIterable<T>, size = SUBSCRIPTION_BUFFER): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    let stopped = false;
    // Returning the source when the subscriber leaves releases its listener at once.
    void stop.then(() => {
      stopped = true;
      return iterator.return?.();
    });
    while (!stopped) {
      const next = await iterator.next();
      if (next.done || stopped) break;
      // With a sliding buffer, push never waits: the oldest waiting notice is dropped instead.
      void push(next.value);
    }
    stop();
  }, new SlidingBuffer(size));
}
