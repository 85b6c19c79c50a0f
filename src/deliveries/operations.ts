// Operator actions on deliveries: test sends, manual retries and replays. Each one schedules an
// attempt the same way publishing does: row change and job in one transaction.
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Delivery } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import type { AppServices } from '../graphql/context.ts';
import { notifyChange } from './notify.ts';

export const TEST_EVENT_TYPE = 'webhook.test';
export const MAX_REPLAY = 10_000;

/** Sends `webhook.test` (or an empty sample of another type) through the normal path, even to an inactive endpoint. */
export async function testEndpoint(services: AppServices, organizationId: string, endpointId: string, eventType: string | null | undefined): Promise<Delivery> {
  const type = eventType ?? TEST_EVENT_TYPE;
  const endpoint = await services.db.endpoint.findFirst({ where: { id: endpointId, organizationId } });
  if (!endpoint) throw new NotFoundError('Endpoint');
  if (!(await services.db.eventType.findUnique({ where: { name: type } }))) {
    throw ValidationError.of(['eventType'], `"${type}" is not in the event catalog`);
  }
  const payload = type === TEST_EVENT_TYPE ? { message: 'A test webhook from Herald.' } : {};
  return services.db.$transaction(async (tx) => {
    const event = await tx.event.create({ data: { id: uuidv7(), organizationId, type, payload } });
    const delivery = await tx.delivery.create({
      data: { id: uuidv7(), organizationId, eventId: event.id, endpointId, isTest: true },
    });
    await services.queue.enqueue(tx, [{ deliveryId: delivery.id, attempt: 1, endpointId }]);
    await notifyChange(tx, { kind: 'delivery', id: delivery.id, organizationId, endpointId, eventId: event.id, status: 'PENDING', attemptCount: 0 });
    return delivery;
  });
}

const FINISHED: DeliveryStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** One more attempt, now. Only finished deliveries of active endpoints (or test sends). */
export async function retryDelivery(services: AppServices, organizationId: string, deliveryId: string): Promise<Delivery> {
  const delivery = await services.db.delivery.findFirst({ where: { id: deliveryId, organizationId }, include: { endpoint: true } });
  if (!delivery) throw new NotFoundError('Delivery');
  if (!FINISHED.includes(delivery.status)) throw ValidationError.of(['id'], `the delivery is ${delivery.status}; it will be attempted anyway`);
  if (!delivery.endpoint.active && !delivery.isTest) throw ValidationError.of(['id'], 'the endpoint is disabled; turn it on first');
  const [rescheduled] = await reschedule(services, organizationId, [delivery]);
  return rescheduled!;
}

export async function replayDeliveries(
  services: AppServices,
  organizationId: string,
  endpointId: string,
  since: Date,
  statuses: DeliveryStatus[] | null | undefined,
): Promise<number> {
  const wanted = statuses && statuses.length > 0 ? statuses : (['FAILED'] as DeliveryStatus[]);
  const unfinished = wanted.filter((status) => !FINISHED.includes(status));
  if (unfinished.length > 0) throw ValidationError.of(['statuses'], `only finished deliveries can be replayed (${FINISHED.join(', ')})`);
  const endpoint = await services.db.endpoint.findFirst({ where: { id: endpointId, organizationId } });
  if (!endpoint) throw new NotFoundError('Endpoint');
  if (!endpoint.active) throw ValidationError.of(['endpointId'], 'the endpoint is disabled; turn it on first');
  const deliveries = await services.db.delivery.findMany({
    where: { organizationId, endpointId, status: { in: wanted }, createdAt: { gte: since }, isTest: false },
    orderBy: { id: 'asc' },
    take: MAX_REPLAY + 1,
  });
  if (deliveries.length > MAX_REPLAY) throw ValidationError.of(['since'], `more than ${MAX_REPLAY} deliveries match; replay a shorter period`);
  return (await reschedule(services, organizationId, deliveries)).length;
}

async function reschedule(services: AppServices, organizationId: string, deliveries: Delivery[]): Promise<Delivery[]> {
  return services.db.$transaction(async (tx) => {
    const moved: Delivery[] = [];
    for (const delivery of deliveries) {
      // Guarded by the attempt count: a concurrent retry of the same delivery moves it only once.
      const { count } = await tx.delivery.updateMany({
        where: { id: delivery.id, attemptCount: delivery.attemptCount, status: { in: FINISHED } },
        data: { status: 'PENDING', nextAttemptAt: new Date(), completedAt: null },
      });
      if (count === 0) continue;
      await notifyChange(tx, {
        kind: 'delivery',
        id: delivery.id,
        organizationId,
        endpointId: delivery.endpointId,
        eventId: delivery.eventId,
        status: 'PENDING',
        attemptCount: delivery.attemptCount,
      });
      moved.push({ ...delivery, status: 'PENDING', nextAttemptAt: new Date(), completedAt: null });
    }
    await services.queue.enqueue(
      tx,
      moved.map((d) => ({ deliveryId: d.id, attempt: d.attemptCount + 1, endpointId: d.endpointId })),
    );
    return moved;
  }, { timeout: 60_000 });
}
