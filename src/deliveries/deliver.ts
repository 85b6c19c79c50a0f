// Delivery attempts: claim them, sign and send them, then record what happened. The pure core
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
import { claimAttempts, recordAttempts, type AttemptToRecord, type ClaimedDelivery } from './transitions.ts';

export interface DeliverDeps {
  services: AppServices;
  sender: HttpSender;
  metrics?: Pick<HeraldMetrics, 'deliveries' | 'attemptDuration'>;
  now?: () => Date;
  random?: () => number;
}

export interface BatchOutcome {
  /** Attempts recorded (stale jobs are skipped, not counted). */
  recorded: number;
  /**
   * Jobs whose attempt was sent but could not be recorded while the rest of the batch could, with
   * the error: the caller fails these jobs alone, so pg-boss retries them (and, when their tries
   * run out, moves them to the abandoned queue) without re-sending the whole batch.
   */
  unrecorded: Array<{ job: DeliverJob; error: unknown }>;
}

/**
 * One batch of attempts: claim them (one transaction), send them concurrently, then record every
 * outcome (one transaction). When the batch's record fails, each attempt is recorded on its own,
 * so one attempt that cannot be stored does not make the other attempts of its batch run again;
 * when none can be recorded (the database is down), the error is thrown and the batch retried.
 */
export async function deliverBatch(deps: DeliverDeps, jobs: readonly DeliverJob[]): Promise<BatchOutcome> {
  const { services } = deps;
  const claimed = await claimAttempts(services.db, jobs);
  // A batch often holds many attempts to one endpoint: its secrets are opened once per batch.
  const keys = new Map<string, Buffer[]>();
  const attempts = await Promise.all(claimed.map((delivery) => attemptOne(deps, delivery, keys)));
  const { recorded, unrecorded } = await recordEachIfNeeded(services, attempts);
  attempts.forEach(({ verdict, attempt }, index) => {
    if (!recorded[index]) return;
    deps.metrics?.deliveries.inc({ status: verdict.status });
    deps.metrics?.attemptDuration.observe({ outcome: attempt.error?.kind ?? 'success' }, attempt.durationMs / 1000);
  });
  return {
    recorded: recorded.filter(Boolean).length,
    unrecorded: unrecorded.map(({ item, error }) => ({ job: { deliveryId: item.claimed.deliveryId, attempt: item.claimed.attempt }, error })),
  };
}

async function recordEachIfNeeded(services: AppServices, attempts: AttemptToRecord[]) {
  try {
    return { recorded: await recordAttempts(services, attempts), unrecorded: [] };
  } catch (batchError) {
    if (attempts.length < 2) throw batchError;
    const each = await Promise.allSettled(attempts.map((item) => recordAttempts(services, [item])));
    if (each.every((result) => result.status === 'rejected')) throw batchError;
    return {
      recorded: each.map((result) => result.status === 'fulfilled' && result.value[0] === true),
      unrecorded: each.flatMap((result, index) => (result.status === 'rejected' ? [{ item: attempts[index]!, error: result.reason as unknown }] : [])),
    };
  }
}

async function attemptOne(deps: DeliverDeps, claimed: ClaimedDelivery, keysByEndpoint: Map<string, Buffer[]>): Promise<AttemptToRecord> {
  const { services, sender } = deps;
  const now = deps.now ?? (() => new Date());
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
    keys: signingKeysOnce(keysByEndpoint, services, claimed, now()),
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
  return {
    claimed,
    attempt: { startedAt: sent.startedAt, durationMs: sent.durationMs, responseStatus: sent.status, responseBody: sent.responseBody, error: sent.error },
    verdict: { status: outcome.status, nextAttemptAt: outcome.nextAttemptAt, disableGone: outcome.endpoint.disable === 'GONE' },
  };
}

function signingKeysOnce(cache: Map<string, Buffer[]>, services: AppServices, claimed: ClaimedDelivery, now: Date): Buffer[] {
  let keys = cache.get(claimed.endpoint.id);
  if (!keys) {
    keys = signingKeys(services, claimed, now);
    cache.set(claimed.endpoint.id, keys);
  }
  return keys;
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
