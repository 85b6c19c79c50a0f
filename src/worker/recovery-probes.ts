// Endpoints that heal: an endpoint disabled as FAILING is probed on HERALD_RECOVERY_PROBES with a
// signed webhook.test (no event is stored: the probe is Herald's question, not a customer event).
// The first 2xx turns it on again, announces herald.endpoint.enabled (reason AUTOMATIC) and
// delivers what it missed while it was off, in one transaction. GONE and MANUAL are never probed.
//
// Each probe is one job of RECOVERY_QUEUE carrying the disable it belongs to (disabledAt): a job
// for an endpoint turned on, or turned off again since, finds it changed and does nothing, and the
// re-enable is a write guarded by that same state, so with several workers (or a probe job run
// twice after a crash) the endpoint is turned on, and its backlog replayed, once.
import { uuidv7 } from '../uuid7.ts';
import { buildEnvelope, deliveryHeaders, secretHeaderNames } from '../engine/envelope.ts';
import { signatureHeaders } from '../engine/signing.ts';
import { testEventPayload, TEST_EVENT_TYPE } from '../engine/test-event.ts';
import { openHeaders } from '../endpoints/custom-headers.ts';
import { encodeGlobalId } from '../global-id.ts';
import type { HttpSender } from '../http/http-sender.ts';
import type { Logger } from '../log.ts';
import type { Endpoint } from '../generated/prisma/client.ts';
import type { Tx } from '../db/prisma.ts';
import { emitEndpointToggled } from '../operational-events/endpoint-toggles.ts';
import { endpointNotice, notifyChange } from '../pubsub/notices.ts';
import { replayMissingIn } from '../deliveries/replay-missing.ts';
import { reschedule } from '../delivery-state/scheduling.ts';
import type { AppServices } from '../services.ts';
import { USER_AGENT } from '../version.ts';
import { signingKeys } from './deliver-batch.ts';
import type { ProbeJob } from './queue.ts';

export type ProbeOutcome = 'STALE' | 'ENABLED' | 'FAILED_NEXT_QUEUED' | 'FAILED_LAST';

/** Deliveries the disable cancelled that a recovery queues again, at most (the oldest first). */
const MAX_REQUEUED = 10_000;
const CANCEL_WINDOW_MS = 60_000;

export async function runProbe(deps: { services: AppServices; sender: HttpSender; log?: Logger }, job: ProbeJob, now = new Date()): Promise<ProbeOutcome> {
  const { services, sender, log } = deps;
  const endpoint = await services.db.endpoint.findUnique({ where: { id: job.endpointId } });
  if (!endpoint || !stillDisabled(endpoint, job)) return 'STALE';

  const messageId = encodeGlobalId('Event', uuidv7(now.getTime()));
  const body = buildEnvelope({ id: messageId, type: TEST_EVENT_TYPE, createdAt: now, payload: testEventPayload(null), test: true });
  const timestampSeconds = Math.floor(now.getTime() / 1000);
  const signature = signatureHeaders({
    scheme: endpoint.signatureScheme,
    messageId,
    timestampSeconds,
    body: Buffer.from(body, 'utf8'),
    keys: signingKeys(services, endpoint, now),
    signatureHeader: services.config.signatureHeader,
  });
  const customHeaders = openHeaders(endpoint.headers, services.encryptionKeys, endpoint.id);
  const headers = deliveryHeaders({ messageId, timestampSeconds, userAgent: USER_AGENT, customHeaders, signature });
  const sent = await sender.send({ url: endpoint.url, body, headers, pool: endpoint.id, redact: secretHeaderNames(signature, customHeaders) });

  if (sent.ok) {
    const enabled = await enableRecovered(services, endpoint, job);
    if (enabled) log?.info('endpoint recovered: a probe answered 2xx, turned on again', { endpointId: endpoint.id, probe: job.probe, replayed: enabled.replayed });
    return enabled ? 'ENABLED' : 'STALE';
  }
  const nextDelayMs = services.config.recoveryProbesMs[job.probe];
  log?.info('recovery probe failed', { endpointId: endpoint.id, probe: job.probe, status: sent.status, error: sent.error?.kind ?? null, nextProbe: nextDelayMs !== undefined });
  if (nextDelayMs === undefined) return 'FAILED_LAST';
  await services.db.$transaction(async (tx) => {
    await services.queue.enqueueProbes?.(tx, [{ ...job, probe: job.probe + 1, startAfter: new Date(Date.now() + nextDelayMs) }]);
  });
  return 'FAILED_NEXT_QUEUED';
}

function stillDisabled(endpoint: Endpoint, job: ProbeJob): boolean {
  return !endpoint.active && endpoint.disabledReason === 'FAILING' && endpoint.disabledAt?.toISOString() === job.disabledAt;
}

/**
 * Turns it on (guarded by the disable the probe was for), announces it, queues again what the
 * disable cancelled, and creates the deliveries of what was published while it was off, all in one
 * transaction. Answers null when another worker did it first.
 */
async function enableRecovered(services: AppServices, found: Endpoint, job: ProbeJob): Promise<{ replayed: number } | null> {
  const disabledAt = new Date(job.disabledAt);
  return services.db.$transaction(
    async (tx) => {
      const { count } = await tx.endpoint.updateMany({
        where: { id: found.id, active: false, disabledReason: 'FAILING', disabledAt },
        data: { active: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null },
      });
      if (count === 0) return null;
      const endpoint = await tx.endpoint.findUniqueOrThrow({ where: { id: found.id } });
      await notifyChange(tx, endpointNotice(endpoint));
      await emitEndpointToggled(tx, services.queue, endpoint, 'AUTOMATIC');
      const requeued = await requeueCancelledByDisable(tx, services, endpoint, disabledAt);
      let replayed = 0;
      for (;;) {
        const step = await replayMissingIn(tx, services, endpoint, disabledAt, new Date());
        replayed += step.count;
        if (step.complete) break;
      }
      return { replayed: replayed + requeued };
    },
    { timeout: 300_000 },
  );
}

/**
 * The disable cancelled the endpoint's pending deliveries: they are queued again. Their completedAt
 * is the disabling transaction's start (PostgreSQL's now()) and disabledAt the worker's clock in
 * that transaction, so they are found in the minute before it.
 */
async function requeueCancelledByDisable(tx: Tx, services: Pick<AppServices, 'queue'>, endpoint: Endpoint, disabledAt: Date): Promise<number> {
  const cancelled = await tx.delivery.findMany({
    where: { endpointId: endpoint.id, organizationId: endpoint.organizationId, status: 'CANCELLED', isTest: false, completedAt: { gte: new Date(disabledAt.getTime() - CANCEL_WINDOW_MS), lte: new Date(disabledAt.getTime() + CANCEL_WINDOW_MS) } },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: MAX_REQUEUED,
  });
  const moved = await reschedule(tx, services.queue, endpoint.organizationId, cancelled.map((row) => row.id), ['CANCELLED']);
  return moved.length;
}
