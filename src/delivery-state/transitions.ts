// Every Delivery/Attempt state change goes through here: each write is guarded by the delivery's
// attempt number and status, so a duplicate or late job changes nothing, and each transition
// notifies subscribers in the same transaction (NOTIFY is delivered at commit, never before).
import { uuidv7 } from '../uuid7.ts';
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import { inTransaction, sqlPool, type Db, type Tx } from '../db/prisma.ts';
import type { AttemptForensics } from '../engine/attempt-forensics.ts';
import { endpointDisableReason, type AttemptErrorKind, type EndpointHealthEffect } from '../engine/attempt-outcome.ts';
import { statusesWhere } from '../engine/delivery-status.ts';
import { statusList } from './status-list.ts';
import type { SignatureScheme } from '../engine/signing.ts';
import type { StoredHeader } from '../endpoints/custom-headers.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import type { AppServices } from '../services.ts';
import type { DeliverJob } from '../worker/queue.ts';
import { emitAttemptEvents, type DisabledByFailure } from '../operational-events/attempt-events.ts';
import { DELIVERY_STATE, deliveryNotice, endpointNotice, notifyChange, notifyChanges, type DeliveryState } from '../pubsub/notices.ts';

export interface ClaimedDelivery {
  deliveryId: string;
  organizationId: string;
  isTest: boolean;
  attempt: number;
  endpoint: {
    id: string;
    url: string;
    /** As stored: values sealed (src/endpoints/custom-headers.ts). */
    headers: StoredHeader[];
    signatureScheme: SignatureScheme;
    secretSealed: string;
    previousSecretSealed: string | null;
    previousSecretExpiresAt: Date | null;
    consecutiveFailures: number;
    /** As stored, secret parts sealed (src/endpoints/receiver-auth.ts); null when not set. */
    oauth2: unknown;
    tls: unknown;
    /** Send the event's trace context with the delivery (docs/telemetry.md). */
    propagateTraceContext: boolean;
  };
  /**
   * `payloadText`: the payload as PostgreSQL writes jsonb (`payload::text`, not yet parsed), one
   * string shared by the batch's deliveries of the event.
   */
  event: { id: string; type: string; payloadText: string; createdAt: Date; traceParent: string | null; traceState: string | null };
}

const { uuid, text, int4, bool, timestamptz, json, nullable } = sqlTypes;

/** What a raw write returns of each delivery it moved: its state, for the notice. */
const STATE = { state: json<DeliveryState>() };

const JOBS_SAMPLE = { wanted: '[]' };

/** SCHEDULED is claimable: its first job is enqueued to start at the event's deliverAt. */
const CLAIMABLE = statusList(statusesWhere('claimable'));
const CANCELLED_WITH_ENDPOINT = statusList(statusesWhere('cancelledWithEndpoint'));

export const CLAIM = checkedQuery({
  name: 'claim attempts',
  columns: {
    delivery_id: uuid,
    organization_id: uuid,
    is_test: bool,
    attempt: int4,
    endpoint_id: uuid,
    url: sqlTypes.varchar,
    headers: json<StoredHeader[]>('jsonb'),
    signature_scheme: sqlTypes.enum<SignatureScheme>('SignatureScheme'),
    secret_sealed: text,
    previous_secret_sealed: nullable(text),
    previous_secret_expires_at: nullable(timestamptz),
    consecutive_failures: int4,
    oauth2: nullable(json<unknown>('jsonb')),
    tls: nullable(json<unknown>('jsonb')),
    event_id: uuid,
    type: text,
    payload: nullable(text),
    created_at: timestamptz,
    propagate_trace_context: bool,
    trace_parent: nullable(text),
    trace_state: nullable(text),
    ...STATE,
  },
  sample: JOBS_SAMPLE,
  // The payload as PostgreSQL writes it (text, not parsed into objects), on one row per event: a
  // batch often holds one event's deliveries to many endpoints.
  sql: ({ wanted }: { wanted: string }) => Prisma.sql`
      WITH claimed AS (
        UPDATE deliveries d SET status = 'SENDING', updated_at = now()
          FROM jsonb_to_recordset(${wanted}::jsonb) AS w(id uuid, attempt int), endpoints e, events ev
         WHERE d.id = w.id AND d.attempt_count = w.attempt - 1
           AND d.status IN (${CLAIMABLE})
           AND e.id = d.endpoint_id AND ev.id = d.event_id AND (e.active OR d.is_test)
        RETURNING d.id AS delivery_id, d.organization_id, d.is_test, w.attempt, e.id AS endpoint_id, e.url, e.headers,
                  e.signature_scheme, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at,
                  e.consecutive_failures, e.oauth2, e.tls, ev.id AS event_id, ev.type, ev.created_at, e.propagate_trace_context,
                  ev.trace_parent, ev.trace_state, ${DELIVERY_STATE}
      ), numbered AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.event_id) AS nth FROM claimed c
      )
      SELECT n.delivery_id, n.organization_id, n.is_test, n.attempt, n.endpoint_id, n.url, n.headers,
             n.signature_scheme, n.secret_sealed, n.previous_secret_sealed, n.previous_secret_expires_at,
             n.consecutive_failures, n.oauth2, n.tls, n.event_id, n.type,
             CASE WHEN n.nth = 1 THEN (SELECT ev.payload::text FROM events ev WHERE ev.id = n.event_id) END AS payload,
             n.created_at, n.propagate_trace_context, n.trace_parent, n.trace_state, n.state
        FROM numbered n`,
});

const HOLDABLE = statusList(statusesWhere('holdable'));

/**
 * The batch's deliveries whose endpoint is paused, not yet in an attempt: PAUSED, their job done
 * (it ends with the batch; resumeEndpoint queues a new one). Test sends go on: a paused endpoint can
 * still be tested. Run in the claim's transaction, before it: PAUSED is not claimable.
 */
export const HOLD_PAUSED = checkedQuery({
  name: 'hold deliveries of paused endpoints',
  columns: STATE,
  sample: JOBS_SAMPLE,
  // The paused endpoints are locked FOR SHARE until the claim commits: a resumeEndpoint waits for
  // it, then finds these rows PAUSED and queues them (unlocked, a resume committing between this
  // read and the write would leave them PAUSED with no job and no pause).
  sql: ({ wanted }: { wanted: string }) => Prisma.sql`
      WITH w AS (SELECT * FROM jsonb_to_recordset(${wanted}::jsonb) AS w(id uuid, attempt int)),
      paused AS (
        SELECT e.id FROM endpoints e
         WHERE e.id IN (SELECT d.endpoint_id FROM deliveries d JOIN w ON d.id = w.id) AND e.paused_at IS NOT NULL
           FOR SHARE)
      UPDATE deliveries d SET status = 'PAUSED', updated_at = now()
        FROM w
       WHERE d.id = w.id AND d.attempt_count = w.attempt - 1 AND d.status IN (${HOLDABLE})
         AND d.endpoint_id IN (SELECT id FROM paused) AND NOT d.is_test
      RETURNING ${DELIVERY_STATE}`,
});

export const RECORD = checkedQuery({
  name: 'record attempts',
  columns: { id: uuid, ...STATE },
  sample: { changes: '[]' },
  sql: ({ changes }: { changes: string }) => Prisma.sql`
      UPDATE deliveries d
         SET status = v.status::"DeliveryStatus", attempt_count = v.attempt, next_attempt_at = v.next_at,
             last_status_code = v.code, last_error = v.error, updated_at = now(),
             completed_at = CASE WHEN v.done THEN now() ELSE NULL END
        FROM jsonb_to_recordset(${changes}::jsonb)
             AS v(id uuid, attempt int, status text, next_at timestamptz, code int, error text, done boolean)
       WHERE d.id = v.id AND d.attempt_count = v.attempt - 1 AND d.status = 'SENDING'
      RETURNING d.id, ${DELIVERY_STATE}`,
});

export const ABANDON = checkedQuery({
  name: 'abandon attempts',
  columns: STATE,
  sample: { wanted: '[]', reason: '' },
  sql: ({ wanted, reason }: { wanted: string; reason: string }) => Prisma.sql`
      UPDATE deliveries d SET status = 'FAILED', next_attempt_at = NULL, last_error = ${reason},
             completed_at = now(), updated_at = now()
        FROM jsonb_to_recordset(${wanted}::jsonb) AS w(id uuid, attempt int)
       WHERE d.id = w.id AND d.attempt_count = w.attempt - 1 AND d.status IN (${CLAIMABLE})
      RETURNING ${DELIVERY_STATE}`,
});

const NO_ID = '00000000-0000-0000-0000-000000000000';

/** Endpoints whose run of failed deliveries a success ended; the ones that had none are left alone. */
export const RESET_HEALTHY = checkedQuery({
  name: 'reset healthy endpoints',
  columns: { id: uuid },
  sample: { ids: [] as string[] },
  sql: ({ ids }: { ids: string[] }) => Prisma.sql`
    UPDATE endpoints SET consecutive_failures = 0, updated_at = now()
     WHERE id = ANY(${ids}::uuid[]) AND consecutive_failures > 0
    RETURNING id`,
});

export const CANCEL_PENDING = checkedQuery({
  name: 'cancel pending deliveries',
  columns: STATE,
  sample: { endpointId: NO_ID, organizationId: NO_ID },
  sql: ({ endpointId, organizationId }: { endpointId: string; organizationId: string }) => Prisma.sql`
    UPDATE deliveries d SET status = 'CANCELLED', next_attempt_at = NULL, completed_at = now(), updated_at = now()
     WHERE d.endpoint_id = ${endpointId}::uuid AND d.organization_id = ${organizationId}::uuid
       AND d.status IN (${CANCELLED_WITH_ENDPOINT}) AND NOT d.is_test
    RETURNING ${DELIVERY_STATE}`,
});

/**
 * Marks each job's delivery SENDING for its attempt, leaving out stale jobs (the attempt was already
 * recorded, the delivery was cancelled, or its endpoint was turned off) and holding PAUSED those
 * of a paused endpoint. SENDING is accepted too: a
 * worker that died mid-attempt left it there, and its job comes back to re-run it.
 */
export async function claimAttempts(db: Db, jobs: readonly DeliverJob[]): Promise<ClaimedDelivery[]> {
  if (jobs.length === 0) return [];
  // Set-based: one UPDATE for the whole batch and one NOTIFY statement, in one transaction.
  const wanted = JSON.stringify(jobs.map((job) => ({ id: job.deliveryId, attempt: job.attempt })));
  // On the pool under Prisma (src/db/prisma.ts): raw statements only, and every batch runs it.
  return inTransaction(sqlPool(db), async (tx) => {
    const paused = await HOLD_PAUSED.run(tx, { wanted });
    const rows = await CLAIM.run(tx, { wanted });
    await notifyChanges(tx, [...paused, ...rows].map((row) => deliveryNotice(row.state)));
    const payloads = new Map<string, string>();
    for (const row of rows) if (row.payload !== null) payloads.set(row.event_id, row.payload);
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      organizationId: row.organization_id,
      isTest: row.is_test,
      attempt: row.attempt,
      endpoint: {
        id: row.endpoint_id,
        url: row.url,
        headers: row.headers,
        signatureScheme: row.signature_scheme,
        secretSealed: row.secret_sealed,
        previousSecretSealed: row.previous_secret_sealed,
        previousSecretExpiresAt: row.previous_secret_expires_at,
        consecutiveFailures: row.consecutive_failures,
        oauth2: row.oauth2,
        tls: row.tls,
        propagateTraceContext: row.propagate_trace_context,
      },
      event: { id: row.event_id, type: row.type, payloadText: payloads.get(row.event_id)!, createdAt: row.created_at, traceParent: row.trace_parent, traceState: row.trace_state },
    }));
  });
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: { kind: AttemptErrorKind; message: string } | null;
  /** What was sent and received, and where the time went (secret header values already redacted). */
  forensics?: AttemptForensics;
}

export interface AttemptVerdict {
  status: Extract<DeliveryStatus, 'SUCCEEDED' | 'RETRYING' | 'FAILED'>;
  nextAttemptAt: Date | null;
  /** What the attempt means for its endpoint (the engine's decision, applied here atomically). */
  endpoint: EndpointHealthEffect;
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

/** An endpoint's health turned by a batch's record: turned off, or back to no failures counted. */
export type EndpointChange =
  | { kind: 'DISABLED'; endpointId: string; reason: 'FAILING' | 'GONE'; consecutiveFailures: number }
  | { kind: 'RECOVERED'; endpointId: string; afterFailures: number };

export interface RecordedAttempts {
  /** Per attempt given, whether it was recorded (false: another worker recorded it first). */
  recorded: boolean[];
  endpointChanges: EndpointChange[];
}

/**
 * Records a batch of attempts in one transaction, set-based: one UPDATE moves every delivery whose
 * attempt is still the one claimed (a late or duplicate worker's rows are skipped), one INSERT
 * records the attempts, one statement each resets healthy endpoints, enqueues retries and
 * notifies. Answers, per attempt, whether it was recorded, and the endpoints it turned off or back.
 */
export async function recordAttempts(
  services: Pick<AppServices, 'db' | 'config' | 'queue'>,
  items: readonly AttemptToRecord[],
): Promise<RecordedAttempts> {
  if (items.length === 0) return { recorded: [], endpointChanges: [] };
  const { db, config, queue } = services;
  const changes = JSON.stringify(
    items.map(({ claimed, attempt, verdict }) => ({
      id: claimed.deliveryId,
      attempt: claimed.attempt,
      status: verdict.status,
      next_at: verdict.nextAttemptAt?.toISOString() ?? null,
      code: attempt.responseStatus,
      error: attempt.error?.message ?? null,
      done: verdict.status !== 'RETRYING',
    })),
  );
  return db.$transaction(async (tx) => {
    const moved = await RECORD.run(tx, { changes });
    const movedIds = new Set(moved.map((row) => row.id));
    const recorded = items.filter((item) => movedIds.has(item.claimed.deliveryId));
    if (recorded.length === 0) return { recorded: items.map(() => false), endpointChanges: [] };
    // Raw and set-based like the UPDATE above: Prisma's createMany compiles its query on every
    // call, a share of the worker's CPU measurable by `npm run bench`.
    const attempts = JSON.stringify(
      recorded.map(({ claimed, attempt }) => ({
        id: uuidv7(),
        delivery_id: claimed.deliveryId,
        number: claimed.attempt,
        started_at: attempt.startedAt.toISOString(),
        duration_ms: Math.round(attempt.durationMs),
        response_status: attempt.responseStatus,
        response_body: attempt.responseBody,
        error_kind: attempt.error?.kind ?? null,
        error_message: attempt.error?.message ?? null,
        request_headers: attempt.forensics?.requestHeaders ?? null,
        response_headers: attempt.forensics?.responseHeaders ?? null,
        remote_address: attempt.forensics?.remoteAddress ?? null,
        timings: attempt.forensics?.timings ?? null,
      })),
    );
    await tx.$executeRaw`
      INSERT INTO attempts (id, delivery_id, number, started_at, duration_ms, response_status, response_body, error_kind, error_message,
                            request_headers, response_headers, remote_address, timings)
      SELECT a.id, a.delivery_id, a.number, a.started_at, a.duration_ms, a.response_status, a.response_body,
             a.error_kind::"AttemptErrorKind", a.error_message, a.request_headers, a.response_headers, a.remote_address, a.timings
        FROM jsonb_to_recordset(${attempts}::jsonb)
             AS a(id uuid, delivery_id uuid, number int, started_at timestamptz, duration_ms int, response_status int,
                  response_body text, error_kind text, error_message text, request_headers jsonb, response_headers jsonb,
                  remote_address text, timings jsonb)`;
    // Before the endpoint's health below: turning it off cancels its RETRYING deliveries, some maybe
    // of this batch, and NOTIFY keeps the order sent, so their CANCELLED comes after their RETRYING.
    await notifyChanges(tx, moved.map((row) => deliveryNotice(row.state)));
    await queue.enqueue(
      tx,
      recorded
        .filter(({ verdict }) => verdict.status === 'RETRYING' && verdict.nextAttemptAt)
        .map(({ claimed, verdict }) => ({
          deliveryId: claimed.deliveryId,
          attempt: claimed.attempt + 1,
          organizationId: claimed.organizationId,
          endpointId: claimed.endpoint.id,
          startAfter: verdict.nextAttemptAt!,
        })),
    );
    // Test sends never change an endpoint's health.
    const counted = recorded.filter(({ claimed }) => !claimed.isTest);
    // Only endpoints that had failures when claimed need resetting: a statement per batch saved. A
    // failure recorded by another worker after this claim is reset by the endpoint's next success.
    const failuresBefore = new Map(counted.filter(({ claimed, verdict }) => verdict.endpoint === 'RESET' && claimed.endpoint.consecutiveFailures > 0).map(({ claimed }) => [claimed.endpoint.id, claimed.endpoint.consecutiveFailures]));
    const endpointChanges: EndpointChange[] = [];
    if (failuresBefore.size > 0) {
      const healthy = [...failuresBefore.keys()];
      const reset = await RESET_HEALTHY.run(tx, { ids: healthy });
      for (const { id } of reset) endpointChanges.push({ kind: 'RECOVERED', endpointId: id, afterFailures: failuresBefore.get(id) ?? 0 });
    }
    const disabled: DisabledByFailure[] = [];
    for (const { claimed, verdict } of counted) {
      if (verdict.endpoint !== 'FAILED' && verdict.endpoint !== 'GONE') continue;
      const turnedOff = await countFailure(tx, config.disableAfterFailures, claimed, verdict.endpoint);
      if (turnedOff) disabled.push(turnedOff);
    }
    // Outbox: the operational events these transitions cause commit with them, or not at all.
    await emitAttemptEvents(tx, services, recorded, disabled);
    // An endpoint disabled as FAILING is probed back to health (src/worker/recovery-probes.ts); GONE never is.
    const [firstProbeMs] = config.recoveryProbesMs;
    const probed = disabled.filter(({ reason }) => reason === 'FAILING');
    if (firstProbeMs !== undefined && probed.length > 0) {
      await queue.enqueueProbes?.(
        tx,
        probed.map(({ endpoint }) => ({ endpointId: endpoint.id, probe: 1, disabledAt: endpoint.disabledAt!.toISOString(), startAfter: new Date(endpoint.disabledAt!.getTime() + firstProbeMs) })),
      );
    }
    for (const { endpoint, reason } of disabled) endpointChanges.push({ kind: 'DISABLED', endpointId: endpoint.id, reason, consecutiveFailures: endpoint.consecutiveFailures });
    return { recorded: items.map((item) => movedIds.has(item.claimed.deliveryId)), endpointChanges };
  });
}

/**
 * Ends FAILED the deliveries of attempts Herald itself could not complete (their jobs failed inside
 * Herald on every try), with the reason as their last error, so none waits forever in SENDING.
 * Guarded like every transition: a delivery that moved on meanwhile is left alone. The endpoint's
 * health is not touched: the fault was Herald's, not the receiver's. `retryDelivery` tries again.
 */
export async function abandonAttempts(db: Db, jobs: readonly DeliverJob[], reason: string): Promise<number> {
  if (jobs.length === 0) return 0;
  const wanted = JSON.stringify(jobs.map((job) => ({ id: job.deliveryId, attempt: job.attempt })));
  return db.$transaction(async (tx) => {
    const rows = await ABANDON.run(tx, { wanted, reason });
    await notifyChanges(tx, rows.map((row) => deliveryNotice(row.state)));
    return rows.length;
  });
}

/** A failed delivery counts against its endpoint; at the threshold (or on 410) the endpoint is turned off. */
async function countFailure(tx: Tx, disableAfterFailures: number, claimed: ClaimedDelivery, effect: 'FAILED' | 'GONE'): Promise<DisabledByFailure | null> {
  const endpointId = claimed.endpoint.id;
  const counted = await tx.endpoint.update({ where: { id: endpointId }, data: { consecutiveFailures: { increment: 1 } } });
  const reason = endpointDisableReason(effect, counted.consecutiveFailures, disableAfterFailures);
  if (!reason || !counted.active) return null;
  const disabled = await tx.endpoint.update({ where: { id: endpointId }, data: { active: false, disabledReason: reason, disabledAt: new Date() } });
  await cancelPendingDeliveries(tx, endpointId, claimed.organizationId);
  await notifyChange(tx, endpointNotice(disabled));
  return { endpoint: disabled, reason, claimed };
}

/**
 * An endpoint turned off (by hand or by its health) cancels what it still had to receive; each
 * cancelled delivery is announced like any other status change. Test sends are left to finish.
 */
export async function cancelPendingDeliveries(tx: Tx, endpointId: string, organizationId: string): Promise<number> {
  const cancelled = await CANCEL_PENDING.run(tx, { endpointId, organizationId });
  await notifyChanges(tx, cancelled.map((row) => deliveryNotice(row.state)));
  return cancelled.length;
}
