// The worker's line per delivery outcome and per endpoint health change, written once the record
// has committed (so the log never tells of an attempt the database does not hold). Built from what
// the batch already has in memory: no query, a few string operations per attempt.
import type { AttemptToRecord, RecordedAttempts } from '../delivery-state/transitions.ts';
import { encodeGlobalId } from '../global-id.ts';
import type { Logger } from '../log.ts';

/** An attempt's error message is a sentence of Herald's (http-sender.ts), but bound it anyway. */
const MAX_ERROR_CHARS = 200;

export function logRecorded(log: Logger | undefined, items: readonly AttemptToRecord[], result: RecordedAttempts): void {
  if (!log) return;
  items.forEach((item, index) => {
    if (result.recorded[index]) logOutcome(log, item);
  });
  for (const change of result.endpointChanges) {
    const endpointId = encodeGlobalId('Endpoint', change.endpointId);
    if (change.kind === 'DISABLED') {
      log.warn('endpoint disabled', { endpointId, reason: change.reason, consecutiveFailures: change.consecutiveFailures });
    } else {
      log.info('endpoint recovered', { endpointId, afterFailures: change.afterFailures });
    }
  }
}

function logOutcome(log: Logger, { claimed, attempt, verdict }: AttemptToRecord): void {
  const fields = {
    deliveryId: encodeGlobalId('Delivery', claimed.deliveryId),
    endpointId: encodeGlobalId('Endpoint', claimed.endpoint.id),
    // The origin only: a webhook URL's path or query often holds the receiver's own secret.
    to: originOf(claimed.endpoint.url),
    eventType: claimed.event.type,
    status: verdict.status,
    attempt: claimed.attempt,
    response: attempt.responseStatus ?? attempt.error?.kind ?? null,
    durationMs: Math.round(attempt.durationMs),
    nextRetryAt: verdict.nextAttemptAt?.toISOString(),
    error: attempt.error ? attempt.error.message.slice(0, MAX_ERROR_CHARS) : undefined,
    test: claimed.isTest || undefined,
    // The publisher's trace, which the attempt's span continues (docs/telemetry.md).
    trace_id: claimed.event.traceParent?.slice(3, 35),
  };
  const message = `delivery ${verdict.status.toLowerCase()}`;
  if (verdict.status === 'FAILED') log.warn(message, fields);
  else log.info(message, fields);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable URL)';
  }
}
