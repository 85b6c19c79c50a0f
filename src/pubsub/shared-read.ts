// Every subscriber a notice reaches re-reads the row it names. Two rules keep that from starving
// the API (measured by `npm run bench`, live status: without them, a few hundred subscriptions at
// 200 deliveries/s took every pooled connection and publishEvent failed to start transactions):
//
// - One read per notice and selection, shared by every subscriber that needs it. Keyed by the
//   notice object itself: the change feed hands the same object to every subscriber, and the
//   entry goes when the notice does.
// - At most SUBSCRIPTION_READS_IN_FLIGHT of these reads at once, so mutations and queries always
//   find a free connection. Under overload live status lags (each subscription's buffer is
//   bounded) while writes go on.
const SUBSCRIPTION_READS_IN_FLIGHT = 3;

const reads = new WeakMap<object, Map<string, Promise<unknown>>>();
let inFlight = 0;
const waiting: Array<() => void> = [];

export function readOncePerNotice<T>(notice: object, key: string, read: () => Promise<T>): Promise<T> {
  let byKey = reads.get(notice);
  if (!byKey) reads.set(notice, (byKey = new Map()));
  let pending = byKey.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = limited(read);
    byKey.set(key, pending);
  }
  return pending;
}

async function limited<T>(read: () => Promise<T>): Promise<T> {
  if (inFlight >= SUBSCRIPTION_READS_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight++;
  try {
    return await read();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}
