// De-risks when deliveries are retried: the schedule, its jitter bounds, Retry-After honoured only
// up to the next step, and what happens after the last attempt, 410 and repeated failures.
import { describe, expect, it } from 'vitest';
import { decideAttemptOutcome, endpointDisableReason } from '../../src/engine/attempt-outcome.ts';
import { parseRetryAfter, retryDelay } from '../../src/engine/retry-schedule.ts';

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
  const base = { schedule, random: () => 0.5, now };
  const failed = (status: number | null, retryAfterMs: number | null = null) =>
    ({ ok: false, status, errorKind: status ? 'HTTP_STATUS' : 'TIMEOUT', retryAfterMs }) as const;

  it('succeeds on 2xx, ending the endpoint\'s run of failures', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 3, result: { ok: true, status: 204 } })).toEqual({
      status: 'SUCCEEDED',
      nextAttemptAt: null,
      endpoint: 'RESET',
    });
  });

  it('retries on the schedule, honouring Retry-After only for 429 and 503, without touching the endpoint\'s health', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(null) })).toEqual({
      status: 'RETRYING',
      nextAttemptAt: new Date(now.getTime() + 60_000),
      endpoint: 'UNCHANGED',
    });
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(429, 5_000) }).nextAttemptAt).toEqual(new Date(now.getTime() + 5_000));
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(503, 5_000) }).status).toBe('RETRYING');
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(500, 5_000) }).nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
  });

  it('fails after the last attempt, counting one failed delivery against the endpoint', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 5, result: failed(500) })).toEqual({ status: 'FAILED', nextAttemptAt: null, endpoint: 'FAILED' });
  });

  it('gives up at once on 410, and the endpoint is gone', () => {
    expect(decideAttemptOutcome({ ...base, attemptNumber: 1, result: failed(410) })).toEqual({ status: 'FAILED', nextAttemptAt: null, endpoint: 'GONE' });
  });
});

describe('endpointDisableReason', () => {
  it('turns an endpoint off as FAILING at the threshold of failed deliveries in a row, never when it is 0', () => {
    expect(endpointDisableReason('FAILED', 2, 3)).toBeNull();
    expect(endpointDisableReason('FAILED', 3, 3)).toBe('FAILING');
    expect(endpointDisableReason('FAILED', 7, 3)).toBe('FAILING');
    expect(endpointDisableReason('FAILED', 1_000, 0)).toBeNull();
  });

  it('turns it off as GONE at once on 410, whatever the count', () => {
    expect(endpointDisableReason('GONE', 1, 3)).toBe('GONE');
    expect(endpointDisableReason('GONE', 1, 0)).toBe('GONE');
  });
});
