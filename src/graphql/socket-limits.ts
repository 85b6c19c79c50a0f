// What each graphql-ws socket (or SSE stream) and each key holds in this process, so one key cannot
// take the memory every tenant shares: connections per key, operations per connection, operations
// per key (over all of its connections, of both transports: the SubscriptionBudget is shared by the
// graphql-ws ledger and the SSE one). Pure bookkeeping, no I/O; the transport asks before it admits
// and releases when an operation ends. A socket's slots all go when it closes, and a release that comes after
// (graphql-ws completes its operations after the close) finds nothing to release, so nothing is
// counted twice and nothing stays behind.
import { createSubscriptionBudget, type SubscriptionBudget } from '../pubsub/subscription-budget.ts';

export interface SocketLimits {
  maxSubscriptionsPerSocket: number;
  maxSubscriptionsPerKey: number;
  maxSocketsPerKey: number;
}

/** `closed`: the socket is not (or no longer) registered, e.g. closing after its key was revoked. */
export type SlotRequest = { ok: true; release: () => void } | { ok: false; full: 'socket' | 'key' | 'closed' };

export interface SocketLedger<Socket> {
  /** Registers an authenticated socket of `keyId`; false (and nothing registered) when the key holds its most sockets. */
  open(socket: Socket, keyId: string): boolean;
  /** A slot for one more operation on `socket`; `release` is idempotent. */
  acquire(socket: Socket): SlotRequest;
  /** Forgets the socket and every slot it held. */
  close(socket: Socket): void;
  socketsOf(keyId: string): Socket[];
  /** Keys with at least one open socket. */
  keyIds(): string[];
  totals(): { sockets: number; subscriptions: number; keys: number };
}

interface SocketEntry {
  keyId: string;
  slots: Set<object>;
}

interface KeyEntry<Socket> {
  sockets: Set<Socket>;
}

export function createSocketLedger<Socket>(limits: SocketLimits, budget: SubscriptionBudget = createSubscriptionBudget()): SocketLedger<Socket> {
  const sockets = new Map<Socket, SocketEntry>();
  const keys = new Map<string, KeyEntry<Socket>>();

  return {
    open(socket, keyId) {
      if (sockets.has(socket)) return true;
      const key = keys.get(keyId) ?? { sockets: new Set<Socket>() };
      if (key.sockets.size >= limits.maxSocketsPerKey) return false;
      key.sockets.add(socket);
      keys.set(keyId, key);
      sockets.set(socket, { keyId, slots: new Set() });
      return true;
    },
    acquire(socket) {
      const entry = sockets.get(socket);
      const key = entry && keys.get(entry.keyId);
      if (!entry || !key) return { ok: false, full: 'closed' };
      if (entry.slots.size >= limits.maxSubscriptionsPerSocket) return { ok: false, full: 'socket' };
      if (!budget.take(entry.keyId, limits.maxSubscriptionsPerKey)) return { ok: false, full: 'key' };
      const slot = {};
      entry.slots.add(slot);
      return {
        ok: true,
        release: () => {
          // Gone already: released before, or the socket closed and took its slots with it.
          if (!entry.slots.delete(slot)) return;
          budget.give(entry.keyId);
        },
      };
    },
    close(socket) {
      const entry = sockets.get(socket);
      if (!entry) return;
      sockets.delete(socket);
      const key = keys.get(entry.keyId);
      if (!key) return;
      budget.give(entry.keyId, entry.slots.size);
      entry.slots.clear();
      key.sockets.delete(socket);
      if (key.sockets.size === 0) keys.delete(entry.keyId);
    },
    socketsOf: (keyId) => [...(keys.get(keyId)?.sockets ?? [])],
    keyIds: () => [...keys.keys()],
    totals: () => {
      let subscriptions = 0;
      for (const entry of sockets.values()) subscriptions += entry.slots.size;
      return { sockets: sockets.size, subscriptions, keys: keys.size };
    },
  };
}
