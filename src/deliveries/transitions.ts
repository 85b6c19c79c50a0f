// Every Delivery/Attempt state change goes through here: each write is guarded by the delivery's
// attempt number and status, so a duplicate or late job changes nothing, and each transition
// notifies subscribers in the same transaction (NOTIFY is delivered at commit, never before).
import type { Db } from '../db/prisma.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import type { AppServices } from '../graphql/context.ts';
import type { DeliverJob } from '../jobs/queue.ts';
import { notifyChange, type Tx } from './notify.ts';

export interface ClaimedDelivery {
  deliveryId: string;
  organizationId: string;
  isTest: boolean;
  attempt: number;
  endpoint: {
    id: string;
    url: string;
    headers: Array<{ name: string; value: string }>;
    signatureScheme: 'STANDARD_WEBHOOKS' | 'HMAC_SHA256_TIMESTAMPED' | 'HMAC_SHA256_BODY';
    secretSealed: string;
    previousSecretSealed: string | null;
    previousSecretExpiresAt: Date | null;
    consecutiveFailures: number;
  };
  event: { id: string; type: string; payload: unknown; createdAt: Date };
}

interface ClaimRow {
  delivery_id: string;
  organization_id: string;
  is_test: boolean;
  endpoint_id: string;
  url: string;
  headers: Array<{ name: string; value: string }>;
  signature_scheme: ClaimedDelivery['endpoint']['signatureScheme'];
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  consecutive_failures: number;
  event_id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

/**
 * Marks the delivery SENDING for this attempt, or answers null when the job is stale (the attempt
 * was already recorded, the delivery was cancelled, or its endpoint was turned off). SENDING is
 * accepted too: a worker that died mid-attempt left it there, and its job comes back to re-run it.
 */
export async function claimAttempts(db: Db, jobs: readonly DeliverJob[]): Promise<ClaimedDelivery[]> {
  // One transaction for the whole batch: its cost is the commit, not the statements.
  return db.$transaction(async (tx) => {
    const claimed: ClaimedDelivery[] = [];
    for (const job of jobs) {
      const one = await claimOne(tx, job);
      if (one) claimed.push(one);
    }
    return claimed;
  });
}

async function claimOne(tx: Tx, job: DeliverJob): Promise<ClaimedDelivery | null> {
  const rows = await tx.$queryRaw<ClaimRow[]>`
    UPDATE deliveries d SET status = 'SENDING', updated_at = now()
      FROM endpoints e, events ev
     WHERE d.id = ${job.deliveryId}::uuid AND d.attempt_count = ${job.attempt - 1}
       AND d.status IN ('PENDING', 'RETRYING', 'SENDING')
       AND e.id = d.endpoint_id AND ev.id = d.event_id AND (e.active OR d.is_test)
    RETURNING d.id AS delivery_id, d.organization_id, d.is_test, e.id AS endpoint_id, e.url, e.headers,
              e.signature_scheme, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at,
              e.consecutive_failures, ev.id AS event_id, ev.type, ev.payload, ev.created_at`;
  const row = rows[0];
  if (!row) return null;
  await notifyChange(tx, { kind: 'delivery', id: row.delivery_id, organizationId: row.organization_id });
  return {
    deliveryId: row.delivery_id,
    organizationId: row.organization_id,
    isTest: row.is_test,
    attempt: job.attempt,
    endpoint: {
      id: row.endpoint_id,
      url: row.url,
      headers: row.headers,
      signatureScheme: row.signature_scheme,
      secretSealed: row.secret_sealed,
      previousSecretSealed: row.previous_secret_sealed,
      previousSecretExpiresAt: row.previous_secret_expires_at,
      consecutiveFailures: row.consecutive_failures,
    },
    event: { id: row.event_id, type: row.type, payload: row.payload, createdAt: row.created_at },
  };
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: { kind: 'TIMEOUT' | 'CONNECTION' | 'DNS' | 'TLS' | 'BLOCKED_ADDRESS' | 'RESPONSE_TOO_LARGE' | 'HTTP_STATUS'; message: string } | null;
}

export interface AttemptVerdict {
  status: Extract<DeliveryStatus, 'SUCCEEDED' | 'RETRYING' | 'FAILED'>;
  nextAttemptAt: Date | null;
  /** GONE disables at once; FAILING is decided here from the counter, atomically. */
  disableGone: boolean;
}

/**
 * Records the attempt and moves the delivery, the endpoint's health and the next job in one
 * transaction. Answers false when another worker recorded this attempt first.
 */
export interface AttemptToRecord {
  claimed: ClaimedDelivery;
  attempt: AttemptRecord;
  verdict: AttemptVerdict;
}

/**
 * Records a batch of attempts in one transaction. Answers, per attempt, false when another worker
 * recorded it first.
 */
export async function recordAttempts(
  services: Pick<AppServices, 'db' | 'config' | 'queue'>,
  items: readonly AttemptToRecord[],
): Promise<boolean[]> {
  if (items.length === 0) return [];
  return services.db.$transaction(async (tx) => {
    const recorded: boolean[] = [];
    for (const item of items) recorded.push(await recordOne(tx, services, item));
    return recorded;
  });
}

async function recordOne(
  tx: Tx,
  services: Pick<AppServices, 'config' | 'queue'>,
  { claimed, attempt, verdict }: AttemptToRecord,
): Promise<boolean> {
  const { config, queue } = services;
  const finished = verdict.status !== 'RETRYING';
  const moved = await tx.delivery.updateMany({
    where: { id: claimed.deliveryId, attemptCount: claimed.attempt - 1, status: 'SENDING' },
    data: {
      status: verdict.status,
      attemptCount: claimed.attempt,
      nextAttemptAt: verdict.nextAttemptAt,
      lastStatusCode: attempt.responseStatus,
      lastError: attempt.error?.message ?? null,
      completedAt: finished ? new Date() : null,
    },
  });
  if (moved.count === 0) return false;
  await tx.attempt.create({
    data: {
      deliveryId: claimed.deliveryId,
      number: claimed.attempt,
      startedAt: attempt.startedAt,
      durationMs: Math.round(attempt.durationMs),
      responseStatus: attempt.responseStatus,
      responseBody: attempt.responseBody,
      errorKind: attempt.error?.kind ?? null,
      errorMessage: attempt.error?.message ?? null,
    },
  });
  if (verdict.status === 'RETRYING' && verdict.nextAttemptAt) {
    await queue.enqueue(tx, [
      { deliveryId: claimed.deliveryId, attempt: claimed.attempt + 1, endpointId: claimed.endpoint.id, startAfter: verdict.nextAttemptAt },
    ]);
  }
  // Test sends never change an endpoint's health.
  if (!claimed.isTest) await updateEndpointHealth(tx, config.disableAfterFailures, claimed, verdict);
  await notifyChange(tx, { kind: 'delivery', id: claimed.deliveryId, organizationId: claimed.organizationId });
  return true;
}

async function updateEndpointHealth(tx: Tx, disableAfterFailures: number, claimed: ClaimedDelivery, verdict: AttemptVerdict) {
  const endpointId = claimed.endpoint.id;
  if (verdict.status === 'SUCCEEDED') {
    await tx.endpoint.updateMany({ where: { id: endpointId, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
    return;
  }
  if (verdict.status !== 'FAILED') return;
  const counted = await tx.endpoint.update({ where: { id: endpointId }, data: { consecutiveFailures: { increment: 1 } } });
  const reason = verdict.disableGone
    ? 'GONE'
    : disableAfterFailures > 0 && counted.consecutiveFailures >= disableAfterFailures
      ? 'FAILING'
      : null;
  if (!reason || !counted.active) return;
  await tx.endpoint.update({ where: { id: endpointId }, data: { active: false, disabledReason: reason } });
  await tx.delivery.updateMany({
    where: { endpointId, status: { in: ['PENDING', 'RETRYING'] }, isTest: false },
    data: { status: 'CANCELLED', nextAttemptAt: null, completedAt: new Date() },
  });
  await notifyChange(tx, { kind: 'endpoint', id: endpointId, organizationId: claimed.organizationId });
}
