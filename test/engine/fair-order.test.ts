// De-risks the fair order of due jobs: a burst pushes back only its own organization's later jobs,
// a quiet organization's job ranks ahead of the burst's tail, scheduled jobs rank from their due
// time without moving today's clock, priorities fit int4, and the clocks stay bounded.
import { describe, expect, it } from 'vitest';
import { createFairClock, fairPriorities, finishOf, priorityOf, virtualPresent, FAIR_STEP_MS } from '../../src/engine/fair-order.ts';

const now = Date.parse('2026-12-07T12:00:00Z');
const burst = (organizationId: string, count: number, dueMs?: number) => Array.from({ length: count }, () => ({ organizationId, ...(dueMs === undefined ? {} : { dueMs }) }));

describe('fairPriorities', () => {
  it("ranks a quiet organization's job ahead of all but the head of another's burst", () => {
    const clock = createFairClock();
    const a = fairPriorities(clock, burst('a', 18_000), now);
    const [b] = fairPriorities(clock, burst('b', 1), now + 5);
    // Higher runs first; ties fall back to creation order (A's, made earlier, go first).
    const ahead = a.filter((priority) => priority >= b!).length;
    expect(ahead).toBeLessThanOrEqual(100 + 5 / FAIR_STEP_MS);
    expect(a[0]).toBeGreaterThan(a.at(-1)!);
  });

  it("ranks a quiet organization's job next when the worker is slower than the burst's spacing (the present is the queue's head, not the clock)", () => {
    const clock = createFairClock();
    const a = fairPriorities(clock, burst('a', 4_000), now);
    // 10 s later a slow worker has taken 1,400 of A's jobs: the head of the queue is A's 1,401st.
    const later = now + 10_000;
    const head = a[1_400]!;
    const [b] = fairPriorities(clock, burst('b', 1), later, virtualPresent(later, head));
    const ahead = a.slice(1_400).filter((priority) => priority >= b!).length;
    expect(ahead).toBeLessThanOrEqual(100);
    // Stamped with the clock instead, B would wait for the whole rest of the burst.
    const [late] = fairPriorities(createFairClock(), burst('b', 1), later);
    expect(a.slice(1_400).filter((priority) => priority >= late!).length).toBe(2_600);
  });

  it('takes the clock as the present when the queue is empty or its head is ahead of the clock', () => {
    expect(virtualPresent(now, null)).toBe(now);
    expect(virtualPresent(now, priorityOf(now + 5_000))).toBe(now);
    expect(virtualPresent(now, priorityOf(now - 5_000))).toBe(now - 5_000);
    expect(finishOf(priorityOf(now + 1_234))).toBe(now + 1_200);
  });

  it('spreads a burst scheduled for one instant over virtual time from that instant, across calls', () => {
    const clock = createFairClock();
    const due = now + 60_000;
    const first = fairPriorities(clock, burst('a', 3_000, due), now);
    const second = fairPriorities(clock, burst('a', 3_000, due), now + 10);
    expect(second.at(-1)).toBeLessThan(first.at(-1)!);
    const [b] = fairPriorities(clock, burst('b', 1, due + 1), now + 20);
    expect([...first, ...second].filter((priority) => priority >= b!).length).toBeLessThanOrEqual(102);
  });

  it("keeps tomorrow's schedule from pushing back today's deliveries", () => {
    const clock = createFairClock();
    fairPriorities(clock, burst('a', 5_000, now + 86_400_000), now);
    const [today] = fairPriorities(clock, burst('a', 1), now);
    expect(today).toBe(priorityOf(now + FAIR_STEP_MS));
  });

  it('ranks a retry from its due time: later retries after earlier ones', () => {
    const clock = createFairClock();
    const [soon, later] = fairPriorities(clock, [{ organizationId: 'a', dueMs: now + 1_000 }, { organizationId: 'a', dueMs: now + 60_000 }], now);
    expect(soon).toBeGreaterThan(later!);
  });

  it('fits int4 for years either side, clamping beyond', () => {
    for (const year of [2022, 2026, 2035]) {
      const priority = priorityOf(Date.UTC(year, 6, 1));
      expect(Math.abs(priority)).toBeLessThan(2 ** 31);
    }
    expect(priorityOf(Date.UTC(2100, 0, 1))).toBe(-(2 ** 31 - 1));
  });

  it('forgets clocks behind the present, then the oldest, past its bound', () => {
    const clock = createFairClock(100);
    for (let i = 0; i < 1_000; i++) fairPriorities(clock, [{ organizationId: `org-${i}` }], now + i * 10);
    expect(clock.finish.size).toBeLessThanOrEqual(101);
    for (let i = 0; i < 1_000; i++) fairPriorities(clock, [{ organizationId: `late-${i}`, dueMs: now + 86_400_000 + i * 1_000 }], now);
    expect(clock.finish.size).toBeLessThanOrEqual(101);
  });
});
