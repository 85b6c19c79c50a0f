// Pausing an endpoint keeps its backlog: unlike turning it off (toggleEndpoint), which cancels what it
// still had to receive and makes publishing skip it, a paused endpoint still gets a delivery for
// every event it matches. They wait PAUSED (not attempted, not counted against its health) and
// resuming queues them in publish order (docs/recovery.md).
import { resumePaused } from '../delivery-state/scheduling.ts';
import type { Endpoint } from '../generated/prisma/client.ts';
import { endpointNotice, notifyChange } from '../pubsub/notices.ts';
import type { AppServices } from '../services.ts';
import { auditEndpoint } from '../audit/endpoint-audit.ts';
import { findEndpoint } from './endpoints.ts';

/** Deliveries resumeEndpoint moves per statement; all of them move in its one transaction. */
const RESUME_STEP = 1_000;

/** Pauses it (keeping the time of a pause already in place). Attempts already in flight finish. */
export async function pauseEndpoint(services: AppServices, organizationId: string, id: string): Promise<Endpoint> {
  const existing = await findEndpoint(services, organizationId, id);
  return services.db.$transaction(async (tx) => {
    const paused = await tx.endpoint.updateMany({ where: { id: existing.id, pausedAt: null }, data: { pausedAt: new Date() } });
    const endpoint = await tx.endpoint.findUniqueOrThrow({ where: { id: existing.id } });
    if (paused.count > 0) await auditEndpoint(tx, services, 'endpoint.paused', existing, endpoint, { paused: { before: false, after: true } });
    await notifyChange(tx, endpointNotice(endpoint));
    return endpoint;
  });
}

/**
 * Ends the pause and queues every PAUSED delivery of the endpoint, oldest first, in one
 * transaction: the pause ends exactly when its backlog is queued. Resuming an endpoint that is not
 * paused changes nothing (and queues any delivery still PAUSED).
 */
export async function resumeEndpoint(services: AppServices, organizationId: string, id: string): Promise<Endpoint> {
  const existing = await findEndpoint(services, organizationId, id);
  return services.db.$transaction(
    async (tx) => {
      // Taken first: a publish that read the endpoint as paused commits its PAUSED rows before this
      // lock is granted, so the loop below sees them.
      await tx.endpoint.update({ where: { id: existing.id }, data: { pausedAt: null } });
      while ((await resumePaused(tx, services.queue, existing.id, RESUME_STEP)) === RESUME_STEP);
      const endpoint = await tx.endpoint.findUniqueOrThrow({ where: { id: existing.id } });
      if (existing.pausedAt !== null) await auditEndpoint(tx, services, 'endpoint.resumed', existing, endpoint, { paused: { before: true, after: false } });
      await notifyChange(tx, endpointNotice(endpoint));
      return endpoint;
    },
    { timeout: 120_000 },
  );
}
