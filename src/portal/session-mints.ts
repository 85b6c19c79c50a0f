// How fast one key may mint portal sessions: a GCRA per minting key (src/engine/rate-limit.ts),
// held in this process's memory. Per process is enough for its purpose — a stolen or hostile key
// must not mint thousands of sessions a second, each with its own per-key limits — and the live
// sessions of an organization are bounded in the database besides (HERALD_MAX_PORTAL_SESSIONS_PER_ORG),
// which holds across processes.
import { admitOne, type RateLimit } from '../engine/rate-limit.ts';

export interface SessionMints {
  /** Admits one mint by `keyId` at `now`, or says in how many milliseconds one would be admitted. */
  admit(keyId: string, now?: number): { ok: true } | { ok: false; retryAfterMs: number };
}

export function createSessionMints(perMinute: number): SessionMints {
  const limit: RateLimit = { perSecond: perMinute / 60, burst: perMinute };
  const tats = new Map<string, number>();
  return {
    admit(keyId, now = Date.now()) {
      const step = admitOne(limit, tats.get(keyId) ?? null, now);
      if (!step.admitted) return { ok: false, retryAfterMs: step.retryAfterMs };
      // A TAT in the past is the same as none: forgotten, so the map holds only keys minting lately.
      if (tats.size > 10_000) for (const [id, tat] of tats) if (tat <= now) tats.delete(id);
      tats.set(keyId, step.tat);
      return { ok: true };
    },
  };
}
