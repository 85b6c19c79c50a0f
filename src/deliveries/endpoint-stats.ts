// Delivery counts per endpoint over a recent window, for the portal's endpoint list, read from the
// outcome rollups (docs/statistics.md), not the deliveries: a page costs the same at any traffic.
// The endpoints of a page are counted together: every `stats` field asked for in one tick of one
// request joins one grouped query (`endpoint_id = ANY(…)`), not one query per endpoint.
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

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * The window's start as the rollups count it: the start of the minute `hours` before `now`. Buckets
 * are whole minutes, so a delivery up to 59 s older than `hours` may count; never a newer one less.
 */
export function windowStart(now: Date, hours: number): Date {
  return new Date(Math.floor((now.getTime() - hours * HOUR_MS) / MINUTE_MS) * MINUTE_MS);
}

/** Adds up an endpoint's counts. Pure. */
export function summarize(counts: { total: number; succeeded: number; failed: number; newest: Date | null } | undefined): EndpointStats {
  const { total = 0, succeeded = 0, failed = 0, newest = null } = counts ?? {};
  return { total, succeeded, failed, successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null, lastDeliveryAt: total > 0 ? newest : null };
}

/**
 * The window in buckets (docs/statistics.md): minute buckets up to the first whole hour, hour
 * buckets from there on (the current hour's too: it is counted as it fills). At most 60 minute
 * rows and 720 hour rows per endpoint and shard, whatever the traffic: two ranges of the primary key.
 */
async function readStats(db: Db, endpointIds: string[], from: Date): Promise<Map<string, EndpointStats>> {
  const firstHour = new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS);
  const rows = await db.deliveryOutcomeRollup.groupBy({
    by: ['endpointId'],
    where: {
      endpointId: { in: endpointIds },
      OR: [
        { bucketMinutes: 1, bucket: { gte: from, lt: firstHour } },
        { bucketMinutes: 60, bucket: { gte: firstHour } },
      ],
    },
    _sum: { total: true, succeeded: true, failed: true },
    _max: { newest: true },
  });
  const byEndpoint = new Map(rows.map((row) => [row.endpointId, { total: row._sum.total ?? 0, succeeded: row._sum.succeeded ?? 0, failed: row._sum.failed ?? 0, newest: row._max.newest }]));
  return new Map(endpointIds.map((id) => [id, summarize(byEndpoint.get(id))]));
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

/** `endpointId` must be one the caller may read: the rollups are counted per endpoint, not per organization. */
export function loadEndpointStats(batches: StatsBatches, db: Db, endpointId: string, hours: number, now = new Date()): Promise<EndpointStats> {
  const key = hours;
  let batch = batches.get(key);
  if (!batch) {
    const since = windowStart(now, hours);
    const ids = new Set<string>();
    // The fields of a page's endpoints are resolved in the same tick; the query leaves after them.
    const result = new Promise<Map<string, EndpointStats>>((resolve, reject) =>
      setImmediate(() => {
        batches.delete(key);
        readStats(db, [...ids], since).then(resolve, reject);
      }),
    );
    batch = { since, ids, result };
    batches.set(key, batch);
  }
  batch.ids.add(endpointId);
  return batch.result.then((stats) => stats.get(endpointId)!);
}
