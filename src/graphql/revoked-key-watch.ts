// The periodic re-check of the keys that hold live connections (graphql-ws sockets, SSE streams):
// one query per interval for all of them, so a key revoked or expired while its connection is idle
// loses it within an interval. A check still running skips the next tick. The timer runs only while
// some key holds a connection, so a process without live traffic (or a test's Yoga called without
// a port) keeps none.
import { revokedAmong } from '../api-keys/api-keys.ts';
import type { Db } from '../db/prisma.ts';
import type { Logger } from '../log.ts';

export interface RevokedKeyWatch {
  /** Starts the timer if it is not running (call when a key starts holding a connection). */
  wake(): void;
  stop(): void;
}

export function watchRevokedKeys(options: { db: Db; intervalMs: number; keyIds: () => string[]; onRevoked: (keyId: string) => void; log: Logger; what: string }): RevokedKeyWatch {
  const { db, intervalMs, keyIds, onRevoked, log, what } = options;
  let timer: NodeJS.Timeout | null = null;
  let checking = false;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    wake() {
      if (timer) return;
      timer = setInterval(() => {
        const held = keyIds();
        if (held.length === 0) return stop();
        if (checking) return;
        checking = true;
        revokedAmong(db, held)
          .then((revoked) => revoked.forEach(onRevoked))
          .catch((error: unknown) => log.warn(`${what} key check failed`, { error: (error as Error).message }))
          .finally(() => (checking = false));
      }, intervalMs);
      timer.unref();
    },
    stop,
  };
}
