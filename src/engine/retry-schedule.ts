// When to try again. The schedule is the delay before each attempt, the first included
// (HERALD_RETRY_SCHEDULE, default 0s,1m,5m,30m,2h: five attempts).

/** ±10%: enough to spread a burst of failures, not enough to surprise anyone reading the schedule. */
const JITTER = 0.1;

export function retryDelay(input: { schedule: readonly number[]; attemptNumber: number; retryAfterMs: number | null; random: () => number }): number | null {
  const step = input.schedule[input.attemptNumber];
  if (step === undefined) return null;
  // A receiver's Retry-After is honoured, but never pushes past the schedule's own next step.
  if (input.retryAfterMs !== null) return Math.min(Math.max(0, input.retryAfterMs), step);
  return Math.round(step * (1 - JITTER + 2 * JITTER * input.random()));
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, date - now.getTime());
}
