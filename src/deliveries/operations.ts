// Operator actions on deliveries: test sends, manual retries, replays and cancelling scheduled ones.
// What may be done is decided here; the rows move through the delivery state machine
// (src/delivery-state), like every other change of a delivery.
import { uuidv7 } from '../uuid7.ts';
import { InvalidStateError, NotFoundError, ValidationError } from '../errors.ts';
import type { Delivery, Event } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import type { AppServices } from '../services.ts';
import { cancelScheduled, createDeliveries, reschedule } from '../delivery-state/scheduling.ts';
import { statusesWhere } from '../engine/delivery-status.ts';
import { isOperationalEventType } from '../engine/operational-events.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import { testEventPayload, TEST_EVENT_TYPE } from '../engine/test-event.ts';
import { seesEventType, type CatalogView } from '../event-types/catalog-view.ts';

export const MAX_REPLAY = 10_000;

/**
 * Sends `webhook.test` (or an empty sample of another type) through the normal path, even to an
 * inactive endpoint. Never a `herald.*` type to an organization's endpoint: signed with the
 * endpoint's secret, it would be indistinguishable from a real operational event, so anyone who may
 * write the endpoint (a portal session, say) could make its receiver act on a forged "endpoint
 * disabled". The operator, who alone receives Herald's word about every organization, may test with them.
 */
export async function testEndpoint(
  services: AppServices,
  view: CatalogView,
  organizationId: string,
  endpointId: string,
  eventType: string | null | undefined,
  /** The portal session's product name, which the test payload names. */
  brandName: string | null = null,
): Promise<Delivery> {
  const type = eventType ?? TEST_EVENT_TYPE;
  const endpoint = await services.db.endpoint.findFirst({ where: { id: endpointId, organizationId } });
  if (!endpoint) throw new NotFoundError('Endpoint');
  if (isOperationalEventType(type) && organizationId !== OPERATOR_ORGANIZATION_ID) {
    throw ValidationError.of(['eventType'], `"${type}" is Herald's own operational event: only Herald sends it; test with webhook.test or a product event type`);
  }
  // webhook.test is how every key tests, whatever catalog it is shown; other types must be seen.
  const known = await services.db.eventType.findUnique({ where: { name: type } });
  if (!known || (type !== TEST_EVENT_TYPE && !seesEventType(view, known))) {
    throw ValidationError.of(['eventType'], `"${type}" is not in the event catalog`);
  }
  const payload = type === TEST_EVENT_TYPE ? testEventPayload(brandName) : {};
  return services.db.$transaction(async (tx) => {
    const event = await tx.event.create({ data: { id: uuidv7(), organizationId, type, payload } });
    const [delivery] = await createDeliveries(tx, services.queue, [{ organizationId, eventId: event.id, endpointId, isTest: true }]);
    return delivery!;
  });
}

const FINISHED: DeliveryStatus[] = statusesWhere('finished');
/** A delivery waiting for a retry can be attempted now too: the user fixed the receiver. */
const RETRYABLE: DeliveryStatus[] = [...FINISHED, 'RETRYING'];

const NOT_RETRYABLE: Partial<Record<DeliveryStatus, string>> = {
  SCHEDULED: 'it waits for its scheduled time; cancel it first, and a cancelled delivery can be retried now',
  PENDING: 'it is queued for an attempt already',
  SENDING: 'an attempt is in flight',
  PAUSED: 'its endpoint is paused; resumeEndpoint sends it',
};

/**
 * One more attempt, now. Finished deliveries, and RETRYING ones (the waiting retry is then taken
 * now; its scheduled job finds the attempt done and does nothing, and the schedule goes on from
 * this attempt). Only for active endpoints, or test sends.
 */
export async function retryDelivery(services: AppServices, organizationId: string, deliveryId: string): Promise<Delivery> {
  const delivery = await services.db.delivery.findFirst({ where: { id: deliveryId, organizationId }, include: { endpoint: true } });
  if (!delivery) throw new NotFoundError('Delivery');
  if (!delivery.endpoint.active && !delivery.isTest) throw ValidationError.of(['id'], 'the endpoint is disabled: resume it first, then retry');
  const [rescheduled] = RETRYABLE.includes(delivery.status)
    ? await services.db.$transaction((tx) => reschedule(tx, services.queue, organizationId, [delivery.id], RETRYABLE))
    : [];
  if (rescheduled) return rescheduled;
  // Not retryable as read, or it moved meanwhile (another retry, an attempt starting): say where it is now.
  const now = await services.db.delivery.findFirst({ where: { id: deliveryId, organizationId }, select: { status: true } });
  if (!now) throw new NotFoundError('Delivery');
  throw new InvalidStateError(`The delivery is ${now.status}: ${NOT_RETRYABLE[now.status] ?? 'it changed meanwhile; try again'}.`, now.status);
}

const NOT_CANCELLABLE: Partial<Record<DeliveryStatus, string>> = {
  PENDING: 'it is queued for an attempt already',
  SENDING: 'an attempt is in flight',
  SUCCEEDED: 'it was delivered',
  RETRYING: 'it was attempted already',
  FAILED: 'it was attempted already',
  CANCELLED: 'it was cancelled already',
  PAUSED: 'it waits for its paused endpoint; resumeEndpoint sends it',
};

/**
 * Cancels a SCHEDULED delivery before its deliverAt: CANCELLED, and its waiting job will find it
 * stale. Once its time has come (claimed, sent) it can no longer be cancelled: InvalidStateError.
 */
export async function cancelDelivery(services: AppServices, organizationId: string, deliveryId: string): Promise<Delivery> {
  return services.db.$transaction(async (tx) => {
    const [cancelled] = await cancelScheduled(tx, organizationId, [deliveryId]);
    // Read in the same transaction: the answer is the row as this cancel left it (or found it).
    const row = await tx.delivery.findFirst({ where: { id: deliveryId, organizationId } });
    if (!row) throw new NotFoundError('Delivery');
    if (cancelled) return row;
    throw new InvalidStateError(`The delivery is ${row.status}: ${NOT_CANCELLABLE[row.status] ?? 'it changed meanwhile; try again'}.`, row.status);
  });
}

/**
 * Cancels every delivery of an event still SCHEDULED (one per endpoint it fanned out to). Answers
 * the event and the deliveries cancelled; InvalidStateError when it had deliveries and none was
 * SCHEDULED anymore (its time came, or they were cancelled already).
 */
export async function cancelScheduledEvent(services: AppServices, organizationId: string, eventId: string): Promise<{ event: Event; cancelled: Delivery[] }> {
  return services.db.$transaction(async (tx) => {
    const event = await tx.event.findFirst({ where: { id: eventId, organizationId } });
    if (!event) throw new NotFoundError('Event');
    const ids = (await tx.delivery.findMany({ where: { eventId, organizationId }, select: { id: true } })).map((delivery) => delivery.id);
    const cancelled = await cancelScheduled(tx, organizationId, ids);
    // Read after the cancel, in its transaction: the deliveries as it left them.
    const rows = await tx.delivery.findMany({ where: { eventId, organizationId }, orderBy: { id: 'asc' } });
    if (ids.length > 0 && cancelled.length === 0) {
      const statuses = [...new Set(rows.map((row) => row.status))];
      throw new InvalidStateError(`No delivery of the event is SCHEDULED anymore: ${statuses.join(', ')}.`, rows[0]!.status);
    }
    const cancelledIds = new Set(cancelled.map((state) => state.id));
    return { event, cancelled: rows.filter((row) => cancelledIds.has(row.id)) };
  });
}

export interface ReplayInput {
  endpointId: string;
  since: Date;
  until?: Date | null | undefined;
  statuses?: DeliveryStatus[] | null | undefined;
}

/** Queues again the finished deliveries of one endpoint created in [since, until). */
export async function replayDeliveries(services: AppServices, organizationId: string, input: ReplayInput): Promise<Delivery[]> {
  const wanted = input.statuses && input.statuses.length > 0 ? input.statuses : (['FAILED'] as DeliveryStatus[]);
  const unfinished = wanted.filter((status) => !FINISHED.includes(status));
  if (unfinished.length > 0) throw ValidationError.of(['statuses'], `only finished deliveries can be replayed (${FINISHED.join(', ')})`);
  if (input.until != null && input.until <= input.since) throw ValidationError.of(['until'], 'must be later than since');
  const endpoint = await services.db.endpoint.findFirst({ where: { id: input.endpointId, organizationId } });
  if (!endpoint) throw new NotFoundError('Endpoint');
  if (!endpoint.active) throw ValidationError.of(['endpointId'], 'the endpoint is disabled: resume it first, then replay');
  const deliveries = await services.db.delivery.findMany({
    where: {
      organizationId,
      endpointId: endpoint.id,
      status: { in: wanted },
      createdAt: { gte: input.since, ...(input.until != null ? { lt: input.until } : {}) },
      isTest: false,
    },
    orderBy: { id: 'asc' },
    take: MAX_REPLAY + 1,
  });
  if (deliveries.length > MAX_REPLAY) throw ValidationError.of(['since'], `more than ${MAX_REPLAY} deliveries match; replay a shorter period`);
  const ids = deliveries.map((delivery) => delivery.id);
  return services.db.$transaction((tx) => reschedule(tx, services.queue, organizationId, ids, FINISHED), { timeout: 60_000 });
}
