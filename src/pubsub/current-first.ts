// A late subscriber is told the current state first, then every change after it, with nothing
// repeated and nothing older: the listener is registered before the read (bounded.ts), so no change
// falls between the two, and each notice names its writer's transaction (notify.ts), so the ones
// the read already saw are told apart exactly with the read's snapshot, however late they arrive.
// (Comparing states cannot do it: a delivery can come back to the same status and count.)

/** PostgreSQL's `pg_current_snapshot()` as text: `xmin:xmax:xip,…` (xid8 values). */
export interface XactSnapshot {
  xmin: bigint;
  xmax: bigint;
  inProgress: ReadonlySet<bigint>;
}

export function parseXactSnapshot(text: string): XactSnapshot {
  const [xmin, xmax, xip = ''] = text.split(':');
  if (xmin === undefined || xmax === undefined) throw new Error(`not a transaction snapshot: ${text}`);
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), inProgress: new Set(xip === '' ? [] : xip.split(',').map((xid) => BigInt(xid))) };
}

/**
 * Whether a read under `snapshot` saw the work of committed transaction `xid`: those finished
 * before it started (below xmin, or below xmax and not in progress then). Notices come only from
 * committed transactions, so this is PostgreSQL's `pg_visible_in_snapshot` for them.
 */
export function seenBy(snapshot: XactSnapshot, xid: string): boolean {
  const id = BigInt(xid);
  return id < snapshot.xmin || (id < snapshot.xmax && !snapshot.inProgress.has(id));
}

/**
 * `current` (read under `snapshot`), then what `feed` hears that the read had not seen. `feed` must
 * have been listening before the read; returning this returns it.
 */
export function currentFirst<T extends { xid: string }>(
  feed: AsyncIterableIterator<T>,
  current: readonly T[],
  snapshot: XactSnapshot,
): AsyncIterableIterator<T> {
  const first = [...current];
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const head = first.shift();
      if (head !== undefined) return { done: false, value: head };
      for (;;) {
        const step = await feed.next();
        if (step.done || !seenBy(snapshot, step.value.xid)) return step;
      }
    },
    return() {
      first.length = 0;
      return feed.return ? feed.return() : Promise.resolve({ done: true, value: undefined });
    },
    throw(error: unknown) {
      first.length = 0;
      return feed.throw ? feed.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
