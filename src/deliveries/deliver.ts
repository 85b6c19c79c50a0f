// One delivery attempt: claim it, sign and send it, then record what happened. The pure core
// (src/delivery) decides; this file only moves data between the database, the HTTP edge and it.
import { decideAttemptOutcome } from '../delivery/attempt-outcome.ts';
import { buildEnvelope, deliveryHeaders } from '../delivery/envelope.ts';
import type { HttpSender } from '../delivery/http-sender.ts';
import { parseRetryAfter } from '../delivery/retry-schedule.ts';
import { signatureHeaders } from '../delivery/signing.ts';
import { openSecret } from '../endpoints/secret-box.ts';
import { parseSigningSecret } from '../endpoints/signing-secret.ts';
import type { AppServices } from '../graphql/context.ts';
import { encodeGlobalId } from '../graphql/global-id.ts';
import type { DeliverJob } from '../jobs/queue.ts';
import type { HeraldMetrics } from '../metrics/metrics.ts';
import { USER_AGENT } from '../version.ts';
import { claimAttempt, recordAttempt, type ClaimedDelivery } from './transitions.ts';

export interface DeliverDeps {
  services: AppServices;
  sender: HttpSender;
  metrics?: Pick<HeraldMetrics, 'deliveries' | 'attemptDuration'>;
  now?: () => Date;
  random?: () => number;
}

export type DeliverOutcome = 'stale' | 'recorded' | 'lost-race';

export async function deliverAttempt(deps: DeliverDeps, job: DeliverJob): Promise<DeliverOutcome> {
  const { services, sender } = deps;
  const now = deps.now ?? (() => new Date());
  const claimed = await claimAttempt(services.db, job);
  if (!claimed) return 'stale';

  // The event's public id is the webhook-id: the same on every attempt, so receivers dedupe on it.
  const messageId = encodeGlobalId('Event', claimed.event.id);
  const timestampSeconds = Math.floor(now().getTime() / 1000);
  const body = buildEnvelope({
    id: messageId,
    type: claimed.event.type,
    createdAt: claimed.event.createdAt,
    payload: claimed.event.payload,
    test: claimed.isTest,
  });
  const signature = signatureHeaders({
    scheme: claimed.endpoint.signatureScheme,
    messageId,
    timestampSeconds,
    body,
    keys: signingKeys(services, claimed, now()),
    signatureHeader: services.config.signatureHeader,
  });
  const headers = deliveryHeaders({ messageId, timestampSeconds, userAgent: USER_AGENT, customHeaders: claimed.endpoint.headers, signature });
  const sent = await sender.send({ url: claimed.endpoint.url, body, headers });

  const outcome = decideAttemptOutcome({
    attemptNumber: claimed.attempt,
    schedule: services.config.retryScheduleMs,
    result: sent.ok
      ? { ok: true, status: sent.status ?? 200 }
      : { ok: false, status: sent.status, errorKind: sent.error?.kind ?? 'CONNECTION', retryAfterMs: parseRetryAfter(sent.retryAfter, now()) },
    endpointConsecutiveFailures: claimed.endpoint.consecutiveFailures,
    disableAfterFailures: services.config.disableAfterFailures,
    random: deps.random ?? Math.random,
    now: now(),
  });
  const recorded = await recordAttempt(
    services,
    claimed,
    { startedAt: sent.startedAt, durationMs: sent.durationMs, responseStatus: sent.status, responseBody: sent.responseBody, error: sent.error },
    { status: outcome.status, nextAttemptAt: outcome.nextAttemptAt, disableGone: outcome.endpoint.disable === 'GONE' },
  );
  if (!recorded) return 'lost-race';
  deps.metrics?.deliveries.inc({ status: outcome.status });
  deps.metrics?.attemptDuration.observe({ outcome: sent.ok ? 'success' : (sent.error?.kind ?? 'error') }, sent.durationMs / 1000);
  return 'recorded';
}

/** The current secret, then the previous one while its rotation grace lasts. */
function signingKeys(services: AppServices, claimed: ClaimedDelivery, now: Date): Buffer[] {
  const { endpoint } = claimed;
  const sealed = [endpoint.secretSealed];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    sealed.push(endpoint.previousSecretSealed);
  }
  return sealed.map((box) => {
    const parsed = parseSigningSecret(openSecret(box, services.encryptionKeys, endpoint.id));
    if (!parsed.ok) throw new Error(`endpoint ${endpoint.id} holds a malformed signing secret`);
    return parsed.key;
  });
}
