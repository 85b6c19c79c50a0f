// Subscriptions listen on the change feed's EventTarget directly, and each keeps only what it
// wants: its filter runs in the listener, before anything is queued. (Filtering after a queue
// made every subscription queue every notice of its organization: at 1,000 subscriptions that was
// most of the API's CPU, measured by `npm run bench`.)
//
// A subscriber that reads slower than changes arrive must not grow the server's memory: each
// subscription keeps at most `size` notices waiting and drops the oldest beyond that. (Each notice
// carries its delivery's status, so a consumer that falls behind loses intermediate statuses, not
// the latest one.)
import { Repeater, SlidingBuffer } from 'graphql-yoga';

export const SUBSCRIPTION_BUFFER = 1_000;

export function listen<T>(target: EventTarget, topic: string, keep: (value: T) => boolean = () => true, size = SUBSCRIPTION_BUFFER): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const listener = (event: Event) => {
      const value = (event as CustomEvent<T>).detail;
      // With a sliding buffer, push never waits: the oldest waiting notice is dropped instead.
      if (keep(value)) void push(value);
    };
    target.addEventListener(topic, listener);
    // Returning the iterator (the subscriber left) resolves `stop` and releases the listener.
    await stop;
    target.removeEventListener(topic, listener);
  }, new SlidingBuffer(size));
}
