// De-risks the rate limiter's arithmetic (GCRA): a quiet endpoint takes its burst at once, the rest
// are spread at exactly 1/rate, reservations stack so later batches queue behind earlier ones, and
// over any window the sends stay within burst + window × rate, whatever the arrivals.
import { describe, expect, it } from 'vitest';
import { admitOne, emissionIntervalMs, rateLimitOf, reserveSends, type RateLimit } from '../../src/engine/rate-limit.ts';

const now = Date.parse('2026-12-02T12:00:00Z');

describe('rateLimitOf', () => {
  it('is null when unlimited, and defaults the burst to one second of the limit', () => {
    expect(rateLimitOf({ perSecond: null, burst: null })).toBeNull();
    expect(rateLimitOf({ perSecond: null, burst: 5 })).toBeNull();
    expect(rateLimitOf({ perSecond: 20, burst: null })).toEqual({ perSecond: 20, burst: 20 });
    expect(rateLimitOf({ perSecond: 20, burst: 3 })).toEqual({ perSecond: 20, burst: 3 });
    expect(emissionIntervalMs({ perSecond: 50 })).toBe(20);
  });
});

describe('reserveSends', () => {
  it('admits the burst of a quiet endpoint at once and spreads the rest at 1/rate', () => {
    const limit = { perSecond: 10, burst: 3 };
    const reserved = reserveSends(limit, null, now, 6);
    expect(reserved.admitted).toBe(3);
    expect(reserved.sendAt.map((at) => at - now)).toEqual([0, 0, 0, 100, 200, 300]);
    expect(reserved.tat - now).toBe(600);
  });

  it('with a burst of 1, sends exactly one interval apart', () => {
    const reserved = reserveSends({ perSecond: 4, burst: 1 }, null, now, 4);
    expect(reserved.admitted).toBe(1);
    expect(reserved.sendAt.map((at) => at - now)).toEqual([0, 250, 500, 750]);
  });

  it('queues a later batch behind the reservations of an earlier one', () => {
    const limit = { perSecond: 10, burst: 2 };
    const first = reserveSends(limit, null, now, 4); // 0, 0, 100, 200; TAT +400
    const second = reserveSends(limit, first.tat, now + 50, 2);
    expect(second.admitted).toBe(0);
    expect(second.sendAt.map((at) => at - now)).toEqual([300, 400]);
    expect(second.tat - now).toBe(600);
  });

  it('forgets the past: a TAT long gone counts from now, and the burst is available again', () => {
    const limit = { perSecond: 10, burst: 2 };
    const reserved = reserveSends(limit, now - 60_000, now, 3);
    expect(reserved.admitted).toBe(2);
    expect(reserved.sendAt.map((at) => at - now)).toEqual([0, 0, 100]);
    expect(reserved.tat - now).toBe(300);
  });

  it('admits nothing while the TAT is more than the burst ahead, and an empty request changes nothing', () => {
    const limit = { perSecond: 10, burst: 5 };
    const busy = reserveSends(limit, now + 1_000, now, 1);
    expect(busy.admitted).toBe(0);
    expect(busy.sendAt[0]! - now).toBe(600);
    expect(reserveSends(limit, now + 1_000, now, 0)).toEqual({ tat: now + 1_000, sendAt: [], admitted: 0 });
  });

  it('keeps every window within burst + window × rate, for random arrivals', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (const limit of [{ perSecond: 50, burst: 50 }, { perSecond: 7, burst: 1 }, { perSecond: 1000, burst: 20 }] satisfies RateLimit[]) {
      let tat: number | null = null;
      let clock = now;
      const sends: number[] = [];
      for (let batch = 0; batch < 300; batch++) {
        clock += random() * 200;
        const reserved = reserveSends(limit, tat, clock, Math.floor(random() * 40));
        tat = reserved.tat;
        sends.push(...reserved.sendAt);
        for (const at of reserved.sendAt) expect(at).toBeGreaterThanOrEqual(clock);
      }
      sends.sort((a, b) => a - b);
      const interval = emissionIntervalMs(limit);
      let worst = -Infinity;
      for (let i = 0; i < sends.length; i++) {
        // The window from send i to send j holds j − i + 1 sends (float error: a thousandth of a send).
        for (let j = i; j < Math.min(sends.length, i + 3 * limit.burst + 50); j++) {
          worst = Math.max(worst, j - i + 1 - (limit.burst + (sends[j]! - sends[i]!) / interval));
        }
      }
      expect(sends.length).toBeGreaterThan(1_000);
      expect(worst).toBeLessThanOrEqual(1e-3);
      // The bound is reached: the limiter does not hold back more than it must.
      expect(worst).toBeGreaterThan(-1);
    }
  });
});

describe('admitOne', () => {
  it('admits a burst at once, then one per interval, and moves nothing for a refusal', () => {
    const limit: RateLimit = { perSecond: 1, burst: 3 };
    const now = 1_000_000;
    let tat: number | null = null;
    for (let i = 0; i < 3; i++) {
      const step = admitOne(limit, tat, now);
      if (!step.admitted) throw new Error(`refused the burst's send ${i}`);
      tat = step.tat;
    }
    expect(admitOne(limit, tat, now)).toEqual({ admitted: false, retryAfterMs: 1_000 });
    expect(admitOne(limit, tat, now + 999).admitted).toBe(false);
    expect(admitOne(limit, tat, now + 1_000)).toEqual({ admitted: true, tat: now + 4_000 });
  });
});
