// Writes operational events the way publishing writes any event: the event rows, then one delivery
// per subscribed active endpoint with the job of its first attempt (createDeliveries), all in the
// caller's transaction. From there they are ordinary events: signed, retried, recorded and live on
// deliveryUpdated like every other.
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../db/prisma.ts';
import { createDeliveries, type NewDelivery } from '../delivery-state/scheduling.ts';
import { endpointReceives } from '../engine/fan-out.ts';
import { recipientOrganizations, type OperationalEvent } from '../engine/operational-events.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { encodeGlobalId } from '../global-id.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import type { DeliveryQueue } from '../worker/queue.ts';

/** Writes each event to the organizations that hear of it, with its deliveries. Answers the event rows' ids. */
export async function writeOperationalEvents(tx: Tx, queue: DeliveryQueue, events: readonly OperationalEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const subjects = [...new Set(events.map((event) => event.organizationId))];
  const organizations = await tx.organization.findMany({ where: { id: { in: subjects } }, select: { id: true, slug: true } });
  const slugs = new Map(organizations.map((organization) => [organization.id, organization.slug]));

  const rows: Prisma.EventCreateManyInput[] = events.flatMap((event) => {
    // The organization first, so every payload starts by saying whom it is about.
    const payload = { organizationId: encodeGlobalId('Organization', event.organizationId), organizationSlug: slugs.get(event.organizationId) ?? '', ...event.data };
    return recipientOrganizations(event, OPERATOR_ORGANIZATION_ID).map((organizationId) => ({
      id: uuidv7(),
      organizationId,
      type: event.type,
      payload,
    }));
  });
  const created = await tx.event.createManyAndReturn({ data: rows, select: { id: true, organizationId: true, type: true, project: true } });

  const recipients = [...new Set(created.map((event) => event.organizationId))];
  const endpoints = await tx.endpoint.findMany({
    where: { organizationId: { in: recipients }, active: true },
    select: { id: true, organizationId: true, eventTypes: true, projects: true },
  });
  const byOrganization = Map.groupBy(endpoints, (endpoint) => endpoint.organizationId);
  const wanted: NewDelivery[] = created.flatMap((event) =>
    (byOrganization.get(event.organizationId) ?? [])
      .filter((endpoint) => endpointReceives(endpoint, event))
      .map((endpoint) => ({ organizationId: event.organizationId, eventId: event.id, endpointId: endpoint.id })),
  );
  await createDeliveries(tx, queue, wanted);
  return created.map((event) => event.id);
}
