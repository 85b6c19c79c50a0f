// The fate of a delivery after one attempt: succeeded, retry later, or failed — and what that
// means for its endpoint's health. Pure: the clock and randomness come in as arguments.
import { retryDelay } from './retry-schedule.ts';

/** Why an attempt failed: the closed set the HTTP edge maps every failure to. The GraphQL enum and
 * the database enum are spelled from this (test/engine/enums.test.ts holds the database to it). */
export const ATTEMPT_ERROR_KINDS = ['TIMEOUT', 'CONNECTION', 'DNS', 'TLS', 'BLOCKED_ADDRESS', 'RESPONSE_TOO_LARGE', 'HTTP_STATUS'] as const;
export type AttemptErrorKind = (typeof ATTEMPT_ERROR_KINDS)[number];

export interface AttemptOutcomeInput {
  attemptNumber: number;
  schedule: readonly number[];
  result: { ok: true; status: number } | { ok: false; status: number | null; errorKind: AttemptErrorKind; retryAfterMs: number | null };
  /** Failed deliveries in a row before this one. */
  endpointConsecutiveFailures: number;
  /** 0 = never disable. */
  disableAfterFailures: number;
  random: () => number;
  now: Date;
}

export interface AttemptOutcome {
  status: 'SUCCEEDED' | 'RETRYING' | 'FAILED';
  nextAttemptAt: Date | null;
  endpoint: { consecutiveFailures: number; disable: null | 'GONE' | 'FAILING' };
}

/** Retry-After is a throttling signal only on these. */
const THROTTLING = new Set([429, 503]);

export function decideAttemptOutcome(input: AttemptOutcomeInput): AttemptOutcome {
  const { result } = input;
  if (result.ok) return { status: 'SUCCEEDED', nextAttemptAt: null, endpoint: { consecutiveFailures: 0, disable: null } };
  const failures = input.endpointConsecutiveFailures + 1;
  if (result.status === 410) {
    return { status: 'FAILED', nextAttemptAt: null, endpoint: { consecutiveFailures: failures, disable: 'GONE' } };
  }
  const delay = retryDelay({
    schedule: input.schedule,
    attemptNumber: input.attemptNumber,
    retryAfterMs: result.status !== null && THROTTLING.has(result.status) ? result.retryAfterMs : null,
    random: input.random,
  });
  if (delay !== null) {
    return {
      status: 'RETRYING',
      nextAttemptAt: new Date(input.now.getTime() + delay),
      endpoint: { consecutiveFailures: input.endpointConsecutiveFailures, disable: null },
    };
  }
  const disable = input.disableAfterFailures > 0 && failures >= input.disableAfterFailures ? 'FAILING' : null;
  return { status: 'FAILED', nextAttemptAt: null, endpoint: { consecutiveFailures: failures, disable } };
}
