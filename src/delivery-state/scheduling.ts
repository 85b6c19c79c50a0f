// Deliveries entering the pipeline: created PENDING with the job of their first attempt (publishing,
// test sends), or moved back to PENDING with the job of their next attempt (retry now, replay).
// Like every other transition (./transitions.ts), each is written in sets, in the caller's
// transaction, with the job and the change notice of every row, so none is half-scheduled.
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../db/prisma.ts';
import type { Delivery } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import { deliveryNotice, notifyChanges } from '../pubsub/notices.ts';
import type { DeliveryQueue } from '../worker/queue.ts';

export interface NewDelivery {
  organizationId: string;
  eventId: string;
  endpointId: string;
  isTest?: boolean;
}

/** Creates the deliveries PENDING, each with the job of its first attempt, and announces them. */
export async function createDeliveries(tx: Tx, queue: DeliveryQueue, wanted: readonly NewDelivery[]): Promise<Delivery[]> {
  if (wanted.length === 0) return [];
  const deliveries = await tx.delivery.createManyAndReturn({ data: wanted.map((delivery) => ({ id: uuidv7(), ...delivery })) });
  deliveries.sort((a, b) => a.id.localeCompare(b.id));
  await queue.enqueue(tx, deliveries.map((delivery) => ({ deliveryId: delivery.id, attempt: 1, endpointId: delivery.endpointId })));
  await notifyChanges(tx, deliveries.map(deliveryNotice));
  return deliveries;
}

/**
 * Back to PENDING with the job of the next attempt, for the deliveries among `ids` whose status is
 * still one of `from`: a delivery that moved meanwhile (a concurrent retry made it PENDING, an
 * attempt started) is left alone, so it is never queued twice. Answers the deliveries moved, by id.
 */
export async function reschedule(tx: Tx, queue: DeliveryQueue, organizationId: string, ids: readonly string[], from: readonly DeliveryStatus[]): Promise<Delivery[]> {
  if (ids.length === 0) return [];
  const moved = await tx.delivery.updateManyAndReturn({
    where: { organizationId, id: { in: [...ids] }, status: { in: [...from] } },
    data: { status: 'PENDING', nextAttemptAt: new Date(), completedAt: null },
  });
  moved.sort((a, b) => a.id.localeCompare(b.id));
  await notifyChanges(tx, moved.map(deliveryNotice));
  await queue.enqueue(tx, moved.map((delivery) => ({ deliveryId: delivery.id, attempt: delivery.attemptCount + 1, endpointId: delivery.endpointId })));
  return moved;
}
