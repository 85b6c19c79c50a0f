// Every subscriber a notice reaches re-reads the row it names. At hundreds of notices a second
// and hundreds of subscribers, one query per subscriber and notice took the API's whole CPU and
// its connection pool (measured by `npm run bench`, live status). So:
//
// - One read per notice and selection, shared by every subscriber that needs it. Keyed by the
//   notice object itself: the change feed hands the same object to every subscriber, and the
//   entry goes when the notice does.
// - Reads of the same selection are batched: ids wait while earlier batches are in flight and go
//   out together as one `id IN (…)` query.
// - At most BATCHES_IN_FLIGHT batches at once, so mutations and queries always find a free
//   connection. Under overload live status lags (each subscription's buffer is bounded) while
//   writes go on.
const BATCHES_IN_FLIGHT = 2;

export interface SharedReads {
  /** `read()` once per notice object and key, whoever asks: the change feed hands every subscriber the same notice. */
  readOncePerNotice<T>(notice: object, key: string, read: () => Promise<T>): Promise<T>;
  /**
   * The row with `id`, read together with every other id asked for under the same `key` (one
   * selection and scope) while earlier batches were in flight; null when there is none.
   */
  readBatched<Row extends { id: string }>(key: string, id: string, readMany: (ids: string[]) => Promise<Row[]>): Promise<Row | null>;
  /** Counts one execution of a subscription event (src/graphql/subscription-sharing.ts). */
  countExecution(): void;
  /** Shared executions and batched reads so far in this process: what one change costs, whatever the subscribers. */
  counts(): { executions: number; batches: number };
}

interface Batch {
  readMany: (ids: string[]) => Promise<Array<{ id: string }>>;
  waiters: Map<string, Array<{ resolve: (row: unknown) => void; reject: (error: unknown) => void }>>;
}

/** One per process (in AppServices), so every subscription of the process shares its reads. */
export function createSharedReads(): SharedReads {
  const byNotice = new WeakMap<object, Map<string, Promise<unknown>>>();
  const waitingBatches = new Map<string, Batch>();
  let inFlight = 0;
  let executions = 0;
  let batches = 0;

  const runBatches = (): void => {
    while (inFlight < BATCHES_IN_FLIGHT && waitingBatches.size > 0) {
      const [key, batch] = waitingBatches.entries().next().value!;
      waitingBatches.delete(key);
      inFlight++;
      batches++;
      batch
        .readMany([...batch.waiters.keys()])
        .then(
          (rows) => {
            const found = new Map(rows.map((row) => [row.id, row]));
            for (const [id, waiters] of batch.waiters) for (const waiter of waiters) waiter.resolve(found.get(id) ?? null);
          },
          (error: unknown) => {
            for (const waiters of batch.waiters.values()) for (const waiter of waiters) waiter.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          runBatches();
        });
    }
  };

  return {
    readOncePerNotice<T>(notice: object, key: string, read: () => Promise<T>): Promise<T> {
      let byKey = byNotice.get(notice);
      if (!byKey) byNotice.set(notice, (byKey = new Map()));
      let pending = byKey.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = read();
        byKey.set(key, pending);
      }
      return pending;
    },
    countExecution: () => void executions++,
    counts: () => ({ executions, batches }),
    readBatched<Row extends { id: string }>(key: string, id: string, readMany: (ids: string[]) => Promise<Row[]>): Promise<Row | null> {
      let batch = waitingBatches.get(key);
      if (!batch) {
        batch = { readMany, waiters: new Map() };
        waitingBatches.set(key, batch);
      }
      const waiters = batch.waiters.get(id) ?? [];
      batch.waiters.set(id, waiters);
      const row = new Promise<Row | null>((resolve, reject) => waiters.push({ resolve: resolve as (row: unknown) => void, reject }));
      setImmediate(runBatches);
      return row;
    },
  };
}
