// Delivery counts per endpoint over a recent window, for the portal's endpoint list. The endpoints
// of a page are counted together: every `stats` field asked for in one tick of one request joins
// one grouped query (`endpoint_id IN (…)`), not one query per endpoint.
import type { Db } from '../db/prisma.ts';

export const MIN_STATS_HOURS = 1;
export const MAX_STATS_HOURS = 720;

export interface EndpointStats {
  total: number;
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed): deliveries still in flight or cancelled do not count; null when none finished. */
  successRate: number | null;
  /** The newest delivery in the window. */
  lastDeliveryAt: Date | null;
}

interface Group {
  endpointId: string;
  status: string;
  count: number;
  newest: Date | null;
}

/** Adds up the grouped rows of one endpoint. Pure. */
export function summarize(groups: readonly Group[]): EndpointStats {
  let total = 0;
  let succeeded = 0;
  let failed = 0;
  let lastDeliveryAt: Date | null = null;
  for (const group of groups) {
    total += group.count;
    if (group.status === 'SUCCEEDED') succeeded += group.count;
    if (group.status === 'FAILED') failed += group.count;
    if (group.newest && (!lastDeliveryAt || group.newest > lastDeliveryAt)) lastDeliveryAt = group.newest;
  }
  return { total, succeeded, failed, successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null, lastDeliveryAt };
}

/**
 * The smallest UUIDv7 of the millisecond `at`. Delivery ids are UUIDv7 written at creation, so
 * `id >= uuidv7Floor(since)` turns the window into a range of the (endpoint_id, id) index instead
 * of a scan of every delivery the endpoint ever had; `created_at` still decides exactly.
 */
export function uuidv7Floor(at: Date): string {
  const hex = Math.max(0, at.getTime()).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

async function readStats(db: Db, organizationId: string, endpointIds: string[], since: Date): Promise<Map<string, EndpointStats>> {
  const rows = await db.delivery.groupBy({
    by: ['endpointId', 'status'],
    where: { organizationId, endpointId: { in: endpointIds }, id: { gte: uuidv7Floor(since) }, createdAt: { gte: since } },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  const byEndpoint = new Map<string, Group[]>();
  for (const row of rows) {
    const groups = byEndpoint.get(row.endpointId) ?? [];
    groups.push({ endpointId: row.endpointId, status: row.status, count: row._count._all, newest: row._max.createdAt });
    byEndpoint.set(row.endpointId, groups);
  }
  return new Map(endpointIds.map((id) => [id, summarize(byEndpoint.get(id) ?? [])]));
}

interface PendingBatch {
  since: Date;
  ids: Set<string>;
  result: Promise<Map<string, EndpointStats>>;
}

/** The batches still collecting ids, one per window: one per request (the caller keeps it on its context). */
export type StatsBatches = Map<number, PendingBatch>;

export function newStatsBatches(): StatsBatches {
  return new Map();
}

export function loadEndpointStats(batches: StatsBatches, db: Db, organizationId: string, endpointId: string, hours: number, now = new Date()): Promise<EndpointStats> {
  const key = hours;
  let batch = batches.get(key);
  if (!batch) {
    const since = new Date(now.getTime() - hours * 3_600_000);
    const ids = new Set<string>();
    // The fields of a page's endpoints are resolved in the same tick; the query leaves after them.
    const result = new Promise<Map<string, EndpointStats>>((resolve, reject) =>
      setImmediate(() => {
        batches.delete(key);
        readStats(db, organizationId, [...ids], since).then(resolve, reject);
      }),
    );
    batch = { since, ids, result };
    batches.set(key, batch);
  }
  batch.ids.add(endpointId);
  return batch.result.then((stats) => stats.get(endpointId)!);
}
