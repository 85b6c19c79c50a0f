// How many subscriptions each key holds in this process, over every transport: the graphql-ws
// ledger and the SSE one (src/graphql/socket-limits.ts) share one budget, so HERALD_MAX_SUBSCRIPTIONS_PER_KEY
// bounds a key's sockets and streams together. Pure bookkeeping, built once per process (AppServices).

/** Operations each key holds over every ledger that shares this budget. */
export interface SubscriptionBudget {
  /** One more operation for `keyId`, unless it already holds `max`. */
  take(keyId: string, max: number): boolean;
  give(keyId: string, count?: number): void;
  heldBy(keyId: string): number;
}

export function createSubscriptionBudget(): SubscriptionBudget {
  const held = new Map<string, number>();
  return {
    take(keyId, max) {
      const count = held.get(keyId) ?? 0;
      if (count >= max) return false;
      held.set(keyId, count + 1);
      return true;
    },
    give(keyId, count = 1) {
      const left = (held.get(keyId) ?? 0) - count;
      if (left > 0) held.set(keyId, left);
      else held.delete(keyId);
    },
    heldBy: (keyId) => held.get(keyId) ?? 0,
  };
}
