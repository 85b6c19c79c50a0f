// The fate of a delivery after one attempt: succeeded, retry later, or failed — and what that
// means for its endpoint's health. Pure: the clock and randomness come in as arguments.
import { retryDelay } from './retry-schedule.ts';

/** Why an attempt failed: the closed set the HTTP edge maps every failure to. The GraphQL enum and
 * the database enum are spelled from this (test/engine/enums.test.ts holds the database to it). */
export const ATTEMPT_ERROR_KINDS = ['TIMEOUT', 'CONNECTION', 'DNS', 'TLS', 'BLOCKED_ADDRESS', 'RESPONSE_TOO_LARGE', 'HTTP_STATUS', 'PROXY', 'AUTHENTICATION'] as const;
export type AttemptErrorKind = (typeof ATTEMPT_ERROR_KINDS)[number];

export interface AttemptOutcomeInput {
  attemptNumber: number;
  schedule: readonly number[];
  result: { ok: true; status: number } | { ok: false; status: number | null; errorKind: AttemptErrorKind; retryAfterMs: number | null };
  random: () => number;
  now: Date;
}

/**
 * What one attempt means for its endpoint's health: a success ends a run of failures, a delivery
 * that failed for good adds one (410 Gone also turns the endpoint off), a retry changes nothing yet.
 */
export type EndpointHealthEffect = 'RESET' | 'UNCHANGED' | 'FAILED' | 'GONE';

export interface AttemptOutcome {
  status: 'SUCCEEDED' | 'RETRYING' | 'FAILED';
  nextAttemptAt: Date | null;
  endpoint: EndpointHealthEffect;
}

/** Retry-After is a throttling signal only on these. */
const THROTTLING = new Set([429, 503]);

export function decideAttemptOutcome(input: AttemptOutcomeInput): AttemptOutcome {
  const { result } = input;
  if (result.ok) return { status: 'SUCCEEDED', nextAttemptAt: null, endpoint: 'RESET' };
  if (result.status === 410) return { status: 'FAILED', nextAttemptAt: null, endpoint: 'GONE' };
  const delay = retryDelay({
    schedule: input.schedule,
    attemptNumber: input.attemptNumber,
    retryAfterMs: result.status !== null && THROTTLING.has(result.status) ? result.retryAfterMs : null,
    random: input.random,
  });
  if (delay !== null) return { status: 'RETRYING', nextAttemptAt: new Date(input.now.getTime() + delay), endpoint: 'UNCHANGED' };
  // The egress proxy failing is the deployment's fault, not the receiver's: its endpoint keeps its health.
  return { status: 'FAILED', nextAttemptAt: null, endpoint: result.errorKind === 'PROXY' ? 'UNCHANGED' : 'FAILED' };
}

/**
 * The one rule for turning an endpoint off after a delivery failed for good: at once on 410 Gone,
 * otherwise once its failed deliveries in a row reach the threshold (0: never). The caller passes
 * the count after this failure, as the database incremented it (so concurrent workers agree).
 */
export function endpointDisableReason(effect: 'FAILED' | 'GONE', consecutiveFailures: number, disableAfterFailures: number): 'GONE' | 'FAILING' | null {
  if (effect === 'GONE') return 'GONE';
  return disableAfterFailures > 0 && consecutiveFailures >= disableAfterFailures ? 'FAILING' : null;
}
