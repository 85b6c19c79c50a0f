// One page of the delivery log, filtered by Herald: endpoint, status, event type and time.
import type { DeliveryFilter, DeliveryStatus, DeliveryWithAttempts, HeraldClient } from '@herald/sdk';

export const PAGE_SIZE = 25;

export interface LogFilter {
  endpointId: string | null;
  status: DeliveryStatus | null;
  eventType: string | null;
  since: string | null;
}

export interface LogPage {
  rows: DeliveryWithAttempts[];
  next: string | null;
}

/**
 * Whether a live update belongs on the page: the subscription narrows by endpoint only, so a
 * new delivery's status, type and time are checked here before it joins the first page.
 */
export function matches(filter: LogFilter, delivery: DeliveryWithAttempts): boolean {
  if (filter.endpointId && delivery.endpoint.id !== filter.endpointId) return false;
  if (filter.status && delivery.status !== filter.status) return false;
  if (filter.eventType && delivery.event.type !== filter.eventType) return false;
  if (filter.since && new Date(delivery.createdAt) < new Date(filter.since)) return false;
  return true;
}

export function serverFilter(filter: LogFilter): DeliveryFilter {
  return {
    ...(filter.endpointId ? { endpointId: filter.endpointId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.eventType ? { eventType: filter.eventType } : {}),
    ...(filter.since ? { since: filter.since } : {}),
  };
}

export async function loadLogPage(herald: HeraldClient, filter: LogFilter, after: string | null, signal: AbortSignal): Promise<LogPage> {
  const connection = await herald.deliveries({ first: PAGE_SIZE, after, filter: serverFilter(filter) }, { signal });
  const last = connection.edges.at(-1);
  return { rows: connection.edges.map((edge) => edge.node), next: connection.pageInfo.hasNextPage && last ? last.cursor : null };
}

/** How many deliveries match, counted page by page (for "replay … since"). */
export async function countDeliveries(
  herald: HeraldClient,
  filter: { endpointId: string; status: DeliveryStatus; since: string },
  signal: AbortSignal,
): Promise<number> {
  let count = 0;
  for await (const _delivery of herald.paginate.deliveries({ filter }, { pageSize: 100, signal })) count += 1;
  return count;
}
