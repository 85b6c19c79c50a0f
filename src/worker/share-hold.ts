// The worker's in-flight shares at the edge: before a batch claims its attempts, the jobs whose
// organization or endpoint has its share in flight in this process are held (not claimed, not
// sent, not counted as attempts, never SENDING) and queued again SHARE_HOLD_MS later, the same way
// a rate limit holds a job (src/delivery-state/hold.ts). Their delivery row is left as it is: a
// share hold is the queue's business, and a delivery that moved on meanwhile finds its job stale.
import { InFlightShares, type ShareKey } from '../engine/in-flight-shares.ts';
import type { Db } from '../db/prisma.ts';
import { requeueHeld } from '../delivery-state/hold.ts';
import type { DeliverJob, DeliveryQueue } from './queue.ts';

/**
 * A held job comes back this much later: long enough that an organization whose receivers are
 * silent is not fetched over and over while its share is full (about its share's worth of jobs
 * a second), short enough that its attempts start within a second of a slot freeing.
 */
export const SHARE_HOLD_MS = 1_000;

/** A job's place in the shares: jobs queued before the organization was kept share one of their own. */
export function shareKey(job: DeliverJob): ShareKey {
  return { organizationId: job.organizationId ?? '', endpointId: job.endpointId ?? '' };
}

/**
 * Admits the jobs that fit their shares (counted in flight until released) and holds the others.
 * A held job gives up its rate-limit slot and asks the limiter again when it comes back: sent at
 * a slot long past, it would bunch with the sends of later slots (that slot goes unused: the
 * limit is kept, never exceeded).
 */
export async function holdOverShares(services: { db: Db; queue: DeliveryQueue }, shares: InFlightShares, jobs: readonly DeliverJob[], nowMs = Date.now()): Promise<DeliverJob[]> {
  const { admitted, held } = shares.admit(jobs.map((job) => ({ job, ...shareKey(job) })));
  if (held.length > 0) {
    const startAfter = new Date(nowMs + SHARE_HOLD_MS);
    try {
      await requeueHeld(
        services,
        held.map(({ job }) => job),
        async () =>
          held.map(({ job, organizationId, endpointId }) => ({
            deliveryId: job.deliveryId,
            attempt: job.attempt,
            organizationId,
            endpointId,
            startAfter,
          })),
      );
    } catch (error) {
      for (const entry of admitted) shares.release(entry);
      throw error;
    }
  }
  return admitted.map(({ job }) => job);
}
