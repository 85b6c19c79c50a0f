// Delivery attempts: claim them, sign and send them, then record what happened. The pure core
// (src/delivery) decides; this file only moves data between the database, the HTTP edge and it.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decideAttemptOutcome } from '../engine/attempt-outcome.ts';
import { buildEnvelope, deliveryHeaders, secretHeaderNames } from '../engine/envelope.ts';
import type { HttpSender, SendResult } from '../http/http-sender.ts';
import { parseRetryAfter } from '../engine/retry-schedule.ts';
import { signatureHeaders, type SigningKey } from '../engine/signing.ts';
import { keysThatSign } from '../engine/signing-keys.ts';
import { openHeaders } from '../endpoints/custom-headers.ts';
import type { EndpointHeader } from '../endpoints/endpoint-rules.ts';
import { openSecret } from '../endpoints/secret-box.ts';
import { openOAuth2, openTls } from '../endpoints/receiver-auth.ts';
import type { EndpointTls, OAuth2Credentials } from '../engine/receiver-credentials.ts';
import { parseSecretFor } from '../endpoints/signing-secret.ts';
import type { AppServices } from '../services.ts';
import { encodeGlobalId } from '../global-id.ts';
import type { DeliverJob } from './queue.ts';
import type { Logger } from '../log.ts';
import type { HeraldMetrics } from '../metrics/metrics.ts';
import { USER_AGENT } from '../version.ts';
import { holdOverRateLimits } from '../delivery-state/rate-limit.ts';
import type { InFlightShares } from '../engine/in-flight-shares.ts';
import { holdOverShares, shareKey } from './share-hold.ts';
import { logRecorded } from './delivery-log.ts';
import { claimAttempts, recordAttempts, type AttemptToRecord, type ClaimedDelivery } from '../delivery-state/transitions.ts';
import { inSpan, failSpan } from '../telemetry/tracing.ts';
import { instruments } from '../telemetry/instruments.ts';
import { endAttemptTrace, startAttemptTrace } from './attempt-span.ts';

export interface DeliverDeps {
  services: AppServices;
  sender: HttpSender;
  metrics?: Pick<HeraldMetrics, 'deliveries' | 'attemptDuration'>;
  now?: () => Date;
  random?: () => number;
  /** Attempts that outlasted the batch's patience: finishing and recording in the background. */
  onDetached?: (work: Promise<void>) => void;
  /**
   * This process's attempts in flight: jobs over their organization's or endpoint's share are held
   * before the claim, and an admitted attempt keeps its place until it is recorded (in the batch or
   * detached). Absent: every job is admitted.
   */
  shares?: InFlightShares;
  log?: Logger;
}

/**
 * A batch waits this long for its attempts (or 50 ms after 80% of them answered), then returns and
 * lets the slow ones finish on their own. Before, a batch held its worker slot until its slowest
 * receiver answered or timed out, and one silent endpoint in ten held up every other endpoint for
 * the whole timeout (the benchmark's slowReceiver: healthy p50 9.9 s with a 10 s timeout).
 */
export const BATCH_PATIENCE_MS = 500;

/**
 * Bytes of envelopes written, or signed and handed to the sender, between two turns of the event
 * loop: a batch of large payloads (72 of 256 KiB) is worked through in steps of a few
 * milliseconds, so other organizations' claims, answers and records get their turn meanwhile.
 */
export const YIELD_AFTER_BYTES = 512 * 1024;

export interface BatchOutcome {
  /** Attempts recorded with the batch (stale jobs are skipped, not counted). */
  recorded: number;
  /** Attempts still running when the batch's patience ran out, recording in the background. */
  detached: number;
  /**
   * Jobs whose attempt was sent but could not be recorded while the rest of the batch could, with
   * the error: the caller fails these jobs alone, so pg-boss retries them (and, when their tries
   * run out, moves them to the abandoned queue) without re-sending the whole batch.
   */
  unrecorded: Array<{ job: DeliverJob; error: unknown }>;
}

/**
 * One batch of attempts: claim them (one transaction), send them concurrently, then record the
 * outcomes that arrived within the batch's patience (one transaction); slower attempts go on in
 * the background under a watchdog job and record on their own. When the batch's record fails,
 * each attempt is recorded on its own, so one attempt that cannot be stored does not make the
 * others run again; when none can be recorded (the database is down), the batch is retried.
 */
export async function deliverBatch(deps: DeliverDeps, jobs: readonly DeliverJob[]): Promise<BatchOutcome> {
  const { services, shares } = deps;
  const fair = shares ? await holdOverShares(services, shares, jobs) : [...jobs];
  // Each admitted job leaves the shares once, when its attempt is over: recorded with the batch or
  // in the background, or never claimed (held by a rate limit, stale), or the batch failed.
  const inShare = new Map(fair.map((job) => [attemptKey(job), job]));
  const release = (key: string) => {
    const job = inShare.get(key);
    if (!job || !shares) return;
    inShare.delete(key);
    shares.release(shareKey(job));
  };
  const detachedKeys = new Set<string>();
  try {
    return await inSpan('herald.deliver.batch', { attributes: { 'herald.batch.jobs': jobs.length, 'herald.batch.admitted': fair.length } }, () =>
      runBatch(deps, fair, (key) => detachedKeys.add(key), release),
    );
  } finally {
    for (const key of [...inShare.keys()]) if (!detachedKeys.has(key)) release(key);
  }
}

function attemptKey(job: { deliveryId: string; attempt: number }): string {
  return `${job.deliveryId}:${job.attempt}`;
}

async function runBatch(deps: DeliverDeps, jobs: readonly DeliverJob[], detach: (key: string) => void, release: (key: string) => void): Promise<BatchOutcome> {
  const { services } = deps;
  // Attempts over their endpoint's rate limit wait for a later slot, unsent and uncounted.
  const { admitted } = await holdOverRateLimits(services, jobs);
  const claimed = await claimAttempts(services.db, admitted);
  // Held by a rate limit or stale: never in flight.
  const claimedKeys = new Set(claimed.map(attemptKey));
  for (const job of jobs) if (!claimedKeys.has(attemptKey(job))) release(attemptKey(job));
  // A batch often holds many attempts to one endpoint: its secrets are opened once per batch.
  const keys = new Map<string, OpenedEndpoint>();
  const envelopes = await envelopesOf(claimed);
  const running: Array<Promise<AttemptToRecord>> = [];
  let sinceTurn = 0;
  for (const delivery of claimed) {
    if (sinceTurn >= YIELD_AFTER_BYTES) {
      await nextTurn();
      sinceTurn = 0;
    }
    const envelope = envelopes.get(envelopeKey(delivery))!;
    const attempt = attemptOne(deps, delivery, envelope, keys);
    // settleMost handles its outcome once all are started; until then a failure must not count as unhandled.
    attempt.catch(() => {});
    running.push(attempt);
    sinceTurn += envelope.bytes.length;
  }
  // The shares bound how many attempts are in flight, so a batch never waits for a slow one.
  const inTime = await settleMost(running, { maxMs: BATCH_PATIENCE_MS, graceMs: 50, quorum: 0.8 });

  const late = claimed.filter((_, index) => inTime[index] === undefined);
  if (late.length > 0) {
    // A detached attempt's job is completed with its batch, so a watchdog job for the same attempt
    // is enqueued first, due when the attempt must have ended (the timeout) plus a margin for
    // recording it (QueueTimings). If the worker dies meanwhile, the watchdog re-runs the attempt
    // (same webhook-id); if the attempt was recorded, the watchdog finds it stale and does nothing.
    const dueAt = new Date(Date.now() + services.config.deliveryTimeoutMs + services.config.queueTimings.watchdogMarginSeconds * 1_000);
    await services.queue.enqueue(services.db, late.map((delivery) => ({ deliveryId: delivery.deliveryId, attempt: delivery.attempt, organizationId: delivery.organizationId, endpointId: delivery.endpoint.id, startAfter: dueAt })));
    running.forEach((attempt, index) => {
      if (inTime[index] !== undefined) return;
      const key = attemptKey(claimed[index]!);
      detach(key);
      const work = attempt
        .then(async (item) => {
          const result = await inSpan('herald.record', { attributes: { 'herald.attempts': 1, 'herald.detached': true } }, () => recordLogged(services, [item], deps.log));
          if (result.recorded[0]) countAttempt(deps, item);
        })
        .catch((error: unknown) => {
          // Its watchdog job re-runs it.
          deps.log?.error('a slow attempt could not be recorded', { deliveryId: claimed[index]!.deliveryId, error: String(error) });
        })
        .finally(() => release(key));
      deps.onDetached?.(work);
    });
  }

  const attempts = inTime.filter((item): item is AttemptToRecord => item !== undefined);
  const { recorded, unrecorded } = await inSpan('herald.record', { attributes: { 'herald.attempts': attempts.length } }, () => recordEachIfNeeded(services, attempts, deps.log));
  attempts.forEach((item, index) => {
    if (recorded[index]) countAttempt(deps, item);
  });
  return {
    recorded: recorded.filter(Boolean).length,
    detached: late.length,
    unrecorded: unrecorded.map(({ item, error }) => ({ job: { deliveryId: item.claimed.deliveryId, attempt: item.claimed.attempt }, error })),
  };
}

/**
 * The results that arrive in time, undefined for the rest; throws if one of those failed. In time
 * means: all of them, or within `maxMs`, or within `graceMs` once a quorum has arrived. In a batch
 * where a few receivers are slow, the healthy majority answers in milliseconds, so the batch moves
 * on a grace period later instead of after the full patience (which capped a worker at slots ×
 * batch size / patience, about 400 attempts/s, whenever every batch held one slow endpoint).
 */
function settleMost<T>(promises: readonly Promise<T>[], { maxMs, graceMs, quorum }: { maxMs: number; graceMs: number; quorum: number }): Promise<Array<T | undefined>> {
  const results: Array<T | undefined> = promises.map(() => undefined);
  return new Promise((resolve, reject) => {
    let done = false;
    let settled = 0;
    let grace: NodeJS.Timeout | undefined;
    const end = (error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(patience);
      clearTimeout(grace);
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const patience = setTimeout(end, maxMs);
    if (promises.length === 0) end();
    promises.forEach((promise, index) => {
      promise.then(
        (value) => {
          if (done) return; // late: its caller records it in the background
          results[index] = value;
          settled++;
          if (settled === promises.length) end();
          else if (!grace && settled >= quorum * promises.length) grace = setTimeout(end, graceMs);
        },
        // A late failure is its caller's to handle; one in time fails the batch.
        (error: unknown) => end(error ?? new Error('an attempt failed')),
      );
    });
  });
}

function countAttempt(deps: DeliverDeps, { verdict, attempt }: AttemptToRecord): void {
  deps.metrics?.deliveries.inc({ status: verdict.status });
  deps.metrics?.attemptDuration.observe({ outcome: attempt.error?.kind ?? 'success' }, attempt.durationMs / 1000);
  const attributes = { 'herald.outcome': verdict.status, ...(attempt.error ? { 'error.type': attempt.error.kind } : {}) };
  instruments().attempts.add(1, attributes);
  instruments().attemptDuration.record(attempt.durationMs / 1000, attributes);
}

/** Records attempts and logs what was recorded, once the record has committed. */
async function recordLogged(services: AppServices, items: readonly AttemptToRecord[], log: Logger | undefined) {
  const result = await recordAttempts(services, items);
  logRecorded(log, items, result);
  return result;
}

async function recordEachIfNeeded(services: AppServices, attempts: AttemptToRecord[], log: Logger | undefined) {
  try {
    return { recorded: (await recordLogged(services, attempts, log)).recorded, unrecorded: [] };
  } catch (batchError) {
    if (attempts.length < 2) throw batchError;
    const each = await Promise.allSettled(attempts.map((item) => recordLogged(services, [item], log)));
    if (each.every((result) => result.status === 'rejected')) throw batchError;
    return {
      recorded: each.map((result) => result.status === 'fulfilled' && result.value.recorded[0] === true),
      unrecorded: each.flatMap((result, index) => (result.status === 'rejected' ? [{ item: attempts[index]!, error: result.reason as unknown }] : [])),
    };
  }
}

/** What an event's deliveries in a batch share: its body, and the body's bytes for signing. */
interface Envelope {
  messageId: string;
  body: string;
  bytes: Buffer;
}

function envelopeKey(claimed: ClaimedDelivery): string {
  return `${claimed.event.id}:${claimed.isTest}`;
}

/** Each event's envelope, written once for all its deliveries in the batch. */
async function envelopesOf(claimed: readonly ClaimedDelivery[]): Promise<Map<string, Envelope>> {
  const envelopes = new Map<string, Envelope>();
  let sinceTurn = 0;
  for (const delivery of claimed) {
    const key = envelopeKey(delivery);
    if (envelopes.has(key)) continue;
    if (sinceTurn >= YIELD_AFTER_BYTES) {
      await nextTurn();
      sinceTurn = 0;
    }
    // The event's public id is the webhook-id: the same on every attempt, so receivers dedupe on it.
    const messageId = encodeGlobalId('Event', delivery.event.id);
    // Parsed here, once per event, rather than by node-postgres on every row: the same JSON.parse,
    // so receivers get the bytes they always did. Using PostgreSQL's text directly would need its
    // ", " and ": " removed and its numbers and key order checked, measured 2-5x slower in
    // JavaScript than V8's parse and stringify of a 256 KiB payload.
    const body = buildEnvelope({
      id: messageId,
      type: delivery.event.type,
      createdAt: delivery.event.createdAt,
      payload: JSON.parse(delivery.event.payloadText) as unknown,
      test: delivery.isTest,
    });
    const bytes = Buffer.from(body, 'utf8');
    envelopes.set(key, { messageId, body, bytes });
    sinceTurn += bytes.length;
  }
  return envelopes;
}

async function attemptOne(deps: DeliverDeps, claimed: ClaimedDelivery, envelope: Envelope, opened: Map<string, OpenedEndpoint>): Promise<AttemptToRecord> {
  const { services, sender } = deps;
  const now = deps.now ?? (() => new Date());
  const { messageId, body } = envelope;
  const timestampSeconds = Math.floor(now().getTime() / 1000);
  const secrets = openOnce(opened, services, claimed, now());
  const signature = signatureHeaders({
    scheme: claimed.endpoint.signatureScheme,
    messageId,
    timestampSeconds,
    body: envelope.bytes,
    keys: secrets.keys,
    signatureHeader: services.config.signatureHeader,
  });
  const traced = startAttemptTrace(claimed);
  const headers = { ...deliveryHeaders({ messageId, timestampSeconds, userAgent: USER_AGENT, customHeaders: secrets.headers, signature }), ...traced.headers };
  let sent: SendResult;
  try {
    sent = await sender.send({
      url: claimed.endpoint.url,
      body,
      headers,
      pool: claimed.endpoint.id,
      redact: secretHeaderNames(signature, secrets.headers),
      tls: secrets.tls,
      oauth2: secrets.oauth2,
    });
  } catch (error) {
    if (traced.span) {
      failSpan(traced.span, error);
      traced.span.end();
    }
    throw error;
  }
  endAttemptTrace(traced, sent);

  const outcome = decideAttemptOutcome({
    attemptNumber: claimed.attempt,
    schedule: services.config.retryScheduleMs,
    result: sent.ok
      ? { ok: true, status: sent.status ?? 200 }
      : { ok: false, status: sent.status, errorKind: sent.error?.kind ?? 'CONNECTION', retryAfterMs: parseRetryAfter(sent.retryAfter, now()) },
    random: deps.random ?? Math.random,
    now: now(),
  });
  return {
    claimed,
    attempt: {
      startedAt: sent.startedAt,
      durationMs: sent.durationMs,
      responseStatus: sent.status,
      responseBody: sent.responseBody,
      error: sent.error,
      forensics: { requestHeaders: sent.requestHeaders, responseHeaders: sent.responseHeaders, remoteAddress: sent.remoteAddress, timings: sent.timings },
    },
    verdict: { status: outcome.status, nextAttemptAt: outcome.nextAttemptAt, endpoint: outcome.endpoint },
  };
}

/** An endpoint's signing keys, custom headers and receiver credentials, unsealed. */
interface OpenedEndpoint {
  keys: SigningKey[];
  headers: EndpointHeader[];
  tls: EndpointTls | null;
  oauth2: OAuth2Credentials | null;
}

function openOnce(cache: Map<string, OpenedEndpoint>, services: AppServices, claimed: ClaimedDelivery, now: Date): OpenedEndpoint {
  let opened = cache.get(claimed.endpoint.id);
  if (!opened) {
    const { endpoint } = claimed;
    const keys = services.encryptionKeys;
    opened = {
      keys: signingKeys(services, claimed.endpoint, now),
      headers: openHeaders(endpoint.headers, keys, endpoint.id),
      tls: openTls(endpoint.tls, keys, endpoint.id),
      oauth2: openOAuth2(endpoint.oauth2, keys, endpoint.id),
    };
    cache.set(claimed.endpoint.id, opened);
  }
  return opened;
}

/** The keys that sign now (src/engine/signing-keys.ts), in the form the endpoint's scheme takes. */
export function signingKeys(
  services: Pick<AppServices, 'encryptionKeys'>,
  endpoint: Pick<ClaimedDelivery['endpoint'], 'id' | 'signatureScheme' | 'secretSealed' | 'previousSecretSealed' | 'previousSecretExpiresAt'>,
  now: Date,
): SigningKey[] {
  const sealed = keysThatSign({ current: endpoint.secretSealed, previous: endpoint.previousSecretSealed, previousExpiresAt: endpoint.previousSecretExpiresAt }, now);
  return sealed.map((box) => {
    const parsed = parseSecretFor(endpoint.signatureScheme, openSecret(box, services.encryptionKeys, endpoint.id));
    if (!parsed.ok) throw new Error(`endpoint ${endpoint.id} holds a malformed signing secret`);
    return parsed.signingKey;
  });
}
