// Writes operational events the way publishing writes any event: the event rows, then one delivery
// per subscribed active endpoint with the job of its first attempt (createDeliveries), all in the
// caller's transaction. From there they are ordinary events: signed, retried, recorded and live on
// deliveryUpdated like every other.
import { uuidv7 } from '../uuid7.ts';
import type { Tx } from '../db/prisma.ts';
import { createDeliveries, type NewDelivery } from '../delivery-state/scheduling.ts';
import { endpointReceives, withParsedFilter } from '../engine/fan-out.ts';
import { recipientOrganizations, type OperationalEvent } from '../engine/operational-events.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { encodeGlobalId } from '../global-id.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import type { DeliveryQueue } from '../worker/queue.ts';

/**
 * Writes each event to the organizations that hear of it, with its deliveries: always to the operator
 * organization (its record of what happened), to the organization it is about only when one of its
 * endpoints subscribes, so an organization that asked for nothing finds nothing new in its events.
 * Answers the event rows' ids.
 */
export async function writeOperationalEvents(tx: Tx, queue: DeliveryQueue, events: readonly OperationalEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const subjects = [...new Set(events.map((event) => event.organizationId))];
  const organizations = await tx.organization.findMany({ where: { id: { in: subjects } }, select: { id: true, slug: true } });
  const endpoints = (
    await tx.endpoint.findMany({
      where: { organizationId: { in: [...subjects, OPERATOR_ORGANIZATION_ID] }, active: true },
      select: { id: true, organizationId: true, eventTypes: true, projects: true, filter: true, pausedAt: true },
    })
  ).map(withParsedFilter);
  const slugs = new Map(organizations.map((organization) => [organization.id, organization.slug]));
  const byOrganization = Map.groupBy(endpoints, (endpoint) => endpoint.organizationId);

  const rows: Prisma.EventCreateManyInput[] = [];
  const wanted: NewDelivery[] = [];
  for (const event of events) {
    // The organization first, so every payload starts by saying whom it is about.
    const payload = { organizationId: encodeGlobalId('Organization', event.organizationId), organizationSlug: slugs.get(event.organizationId) ?? '', ...event.data };
    for (const organizationId of recipientOrganizations(event, OPERATOR_ORGANIZATION_ID)) {
      const receivers = (byOrganization.get(organizationId) ?? []).filter((endpoint) => endpointReceives(endpoint, { type: event.type, project: null, payload }));
      if (receivers.length === 0 && organizationId !== OPERATOR_ORGANIZATION_ID) continue;
      const id = uuidv7();
      rows.push({ id, organizationId, type: event.type, payload });
      wanted.push(...receivers.map((endpoint) => ({ organizationId, eventId: id, endpointId: endpoint.id, paused: endpoint.pausedAt !== null })));
    }
  }
  await tx.event.createMany({ data: rows });
  await createDeliveries(tx, queue, wanted);
  return rows.map((row) => row.id!);
}
