// One page of the delivery log. Herald filters by endpoint, status and time; the event type is
// matched here, reading on through Herald's pages (up to a bound) until a page is full.
import type { DeliveryStatus, DeliveryWithAttempts, HeraldClient } from '@herald/sdk';

export const PAGE_SIZE = 25;
const SCAN_LIMIT = 1_000;

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

export function matches(filter: LogFilter, delivery: DeliveryWithAttempts): boolean {
  if (filter.endpointId && delivery.endpoint.id !== filter.endpointId) return false;
  if (filter.status && delivery.status !== filter.status) return false;
  if (filter.eventType && delivery.event.type !== filter.eventType) return false;
  if (filter.since && new Date(delivery.createdAt) < new Date(filter.since)) return false;
  return true;
}

export async function loadLogPage(herald: HeraldClient, filter: LogFilter, after: string | null, signal: AbortSignal): Promise<LogPage> {
  const serverFilter = {
    ...(filter.endpointId ? { endpointId: filter.endpointId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.since ? { since: filter.since } : {}),
  };
  const rows: DeliveryWithAttempts[] = [];
  let cursor = after;
  let scanned = 0;
  while (scanned < SCAN_LIMIT) {
    const connection = await herald.deliveries({ first: filter.eventType ? 100 : PAGE_SIZE, after: cursor, filter: serverFilter }, { signal });
    for (const [index, edge] of connection.edges.entries()) {
      scanned += 1;
      cursor = edge.cursor;
      if (filter.eventType && edge.node.event.type !== filter.eventType) continue;
      rows.push(edge.node);
      if (rows.length === PAGE_SIZE) {
        const last = index === connection.edges.length - 1 && !connection.pageInfo.hasNextPage;
        return { rows, next: last ? null : cursor };
      }
    }
    if (!connection.pageInfo.hasNextPage || connection.edges.length === 0) return { rows, next: null };
  }
  return { rows, next: cursor };
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
