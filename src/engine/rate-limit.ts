// Per-endpoint rate limits, by the generic cell rate algorithm (GCRA): an endpoint's whole state is
// one instant, its theoretical arrival time (TAT) — when the next send would be due if sends went
// out exactly at the limit. A send may go at t when t ≥ TAT − τ (τ, the burst tolerance, lets
// `burst` sends go at once after a quiet spell), and each send moves TAT on by one emission interval
// T = 1 s / perSecond. Over any window of length w an endpoint receives at most burst + w × perSecond.
//
// Sends over the limit are not refused: each is given the instant it may go, and reserves it (TAT
// moves on for them too), so a backlog is spread over future slots once instead of asking again.
// Times are milliseconds since the epoch, from the database's clock (every worker shares it).

/** Bounds of the setting, checked where it is set (src/endpoints/endpoint-rules.ts). */
export const RATE_LIMIT_BOUNDS = {
  perSecondMax: 10_000,
  /** A burst holds at most this many seconds of the limit. */
  burstSecondsMax: 60,
} as const;

export interface RateLimit {
  perSecond: number;
  /** Sends that may go at once after a quiet spell (≥ 1). */
  burst: number;
}

/** An endpoint's stored setting as a limit: null when unlimited; the burst defaults to one second's worth. */
export function rateLimitOf(setting: { perSecond: number | null; burst: number | null }): RateLimit | null {
  if (setting.perSecond === null) return null;
  return { perSecond: setting.perSecond, burst: setting.burst ?? setting.perSecond };
}

/** T: the time one send takes of the limit. */
export function emissionIntervalMs(limit: Pick<RateLimit, 'perSecond'>): number {
  return 1000 / limit.perSecond;
}

export interface Reservation {
  /** The endpoint's TAT once these sends are reserved. */
  tat: number;
  /** When each send may go, in order; `now` for those admitted at once. */
  sendAt: number[];
  /** How many of them may go now (the first ones). */
  admitted: number;
}

/**
 * Reserves `count` sends wanted at `now` on an endpoint whose TAT is `tat` (null: never limited
 * yet). Send i goes at max(now, start + i·T − τ) with start = max(tat, now); TAT becomes
 * start + count·T. The database applies the same TAT step atomically (src/delivery-state/rate-limit.ts).
 */
export function reserveSends(limit: RateLimit, tat: number | null, now: number, count: number): Reservation {
  const interval = emissionIntervalMs(limit);
  const tolerance = (Math.max(1, limit.burst) - 1) * interval;
  const start = tat === null ? now : Math.max(tat, now);
  const sendAt: number[] = [];
  let admitted = 0;
  for (let i = 0; i < count; i++) {
    const due = start + i * interval - tolerance;
    // A hair of float error must not hold back a send that is due now.
    if (due <= now + 1e-6) {
      sendAt.push(now);
      admitted++;
    } else sendAt.push(due);
  }
  return { tat: start + count * interval, sendAt, admitted };
}

/**
 * The refusing form of the same step, for requests that cannot wait (minting portal sessions): one
 * request at `now` is admitted when `now ≥ TAT − τ`, and then moves TAT on by T; a refused one
 * moves nothing and is told how long until it would be admitted.
 */
export function admitOne(limit: RateLimit, tat: number | null, now: number): { admitted: true; tat: number } | { admitted: false; retryAfterMs: number } {
  const interval = emissionIntervalMs(limit);
  const tolerance = (Math.max(1, limit.burst) - 1) * interval;
  const start = tat === null ? now : Math.max(tat, now);
  const due = start - tolerance;
  if (due > now + 1e-6) return { admitted: false, retryAfterMs: due - now };
  return { admitted: true, tat: start + interval };
}
