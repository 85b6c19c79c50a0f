// De-risks when deliveries are retried: the schedule, its jitter bounds, Retry-After honoured only
// up to the next step, and what happens after the last attempt, 410 and repeated failures.
import { describe, expect, it } from 'vitest';
import { decideAttemptOutcome } from '../../src/delivery/attempt-outcome.ts';
import { parseRetryAfter, retryDelay } from '../../src/delivery/retry-schedule.ts';

const schedule = [0, 60_000, 300_000, 1_800_000, 7_200_000];
const now = new Date('2026-11-24T12:00:00Z');

describe('retryDelay', () => {
  it('follows the schedule with ±10% jitter, and stops after the last attempt', () => {
    expect(retryDelay({ schedule, attemptNumber: 1, retryAfterMs: null, random: () => 0.5 })).toBe(60_000);
    expect(retryDelay({ schedule, attemptNumber: 1, retryAfterMs: null, random: () => 0 })).toBe(54_000);
    expect(retryDelay({ schedule, attemptNumber: 1, retryAfterMs: null, random: () => 0.999999 })).toBe(66_000);
    expect(retryDelay({ schedule, attemptNumber: 4, retryAfterMs: null, random: () => 0.5 })).toBe(7_200_000);
    expect(retryDelay({ schedule, attemptNumber: 5, retryAfterMs: null, random: () => 0.5 })).toBeNull();
    expect(retryDelay({ schedule: [0, 0], attemptNumber: 1, retryAfterMs: null, random: () => 0 })).toBe(0);
  });

  it('honours Retry-After up to the next step', () => {
    expect(retryDelay({ schedule, attemptNumber: 1, retryAfterMs: 10_000, random: () => 0 })).toBe(10_000);
    expect(retryDelay({ schedule, attemptNumber: 1, retryAfterMs: 3_600_000, random: () => 0 })).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('decideAttemptOutcome', () => {
  const base = { schedule, endpointConsecutiveFailures: 0, disableAfterFailures: 3, random: () => 0.5, now };
  const failed = (status: number | null, retryAfterMs: number | null = null) =>
    ({ ok: false, status, errorKind: status ? 'HTTP_STATUS' : 'TIMEOUT', retryAfterMs }) as const;

  it('succeeds on 2xx and resets the failure count', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 3, endpointConsecutiveFailures: 2, result: { ok: true, status: 204 } })).toEqual({
      status: 'SUCCEEDED',
      nextAttemptAt: null,
      endpoint: { consecutiveFailures: 0, disable: null },
    });
  });

  it('retries on the schedule, honouring Retry-After only for 429 and 503', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(null) }).nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(429, 5_000) }).nextAttemptAt).toEqual(new Date(now.getTime() + 5_000));
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(503, 5_000) }).status).toBe('RETRYING');
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(500, 5_000) }).nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
  });

  it('fails after the last attempt, counting one failed delivery', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 5, result: failed(500) })).toEqual({
      status: 'FAILED',
      nextAttemptAt: null,
      endpoint: { consecutiveFailures: 1, disable: null },
    });
  });

  it('disables FAILING at the threshold, never when it is 0', () => {
    const last = { ...base, attemptNumber: 5, endpointConsecutiveFailures: 2, result: failed(500) };
    expect(decideAttemptOutcome(last).endpoint).toEqual({ consecutiveFailures: 3, disable: 'FAILING' });
    expect(decideAttemptOutcome({ ...last, disableAfterFailures: 0 }).endpoint.disable).toBeNull();
  });

  it('gives up at once and disables GONE on 410', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(410) })).toMatchObject({ status: 'FAILED', endpoint: { disable: 'GONE' } });
  });
});
