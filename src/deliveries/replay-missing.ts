// Replaying what an endpoint missed: a delivery for every retained event of a window that the
// endpoint takes today (its event types, projects and filter, as fan-out matches them) and that has
// no delivery to it yet: events published while it was off, or before it subscribed to their type.
// Each is created once however often this runs: the per-endpoint lock serializes replays, and
// inside it an event that has a delivery to the endpoint is skipped.
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { createDeliveries } from '../delivery-state/scheduling.ts';
import { endpointReceives, withParsedFilter } from '../engine/fan-out.ts';
import { Prisma, type Delivery, type Endpoint } from '../generated/prisma/client.ts';
import type { Tx } from '../db/prisma.ts';
import type { AppServices } from '../services.ts';
import { dayFloorId } from '../worker/partitions.ts';

/**
 * At most this many deliveries are created by one call, the oldest events first; past it the answer
 * says `complete: false` and calling again with the same window goes on from there (what was
 * created is skipped), so one call's transaction stays bounded.
 */
export const MAX_REPLAY_MISSING = 5_000;
/** Events read per statement while looking for matches. */
const PAGE = 1_000;
const DAY_MS = 86_400_000;
const NO_ID = '00000000-0000-0000-0000-000000000000';

export interface ReplayMissingInput {
  endpointId: string;
  since: Date;
  until?: Date | null | undefined;
  /** Count what would be created (up to MAX_REPLAY_MISSING), creating nothing. */
  dryRun?: boolean | null | undefined;
}

export interface ReplayedMissing {
  /** How many deliveries were created (or, on a dry run, would be). */
  count: number;
  /** Deliveries created, in publish order. */
  created: Delivery[];
  /** False when the call stopped at MAX_REPLAY_MISSING with events of the window left to look at. */
  complete: boolean;
}

/**
 * Candidate events of the window after `after`, in publish order: narrowed in SQL by the endpoint's
 * patterns and projects (exact names, `prefix.%`, `*` for every non-`herald.*` type), without a
 * delivery to the endpoint and not a test send. Its filter and the exact matching are fan-out's
 * (endpointReceives), applied to what this answers.
 */
export const MISSED_EVENTS = checkedQuery({
  name: 'events an endpoint missed',
  columns: { id: sqlTypes.uuid, type: sqlTypes.text, project: sqlTypes.nullable(sqlTypes.text), payload: sqlTypes.json<unknown>('jsonb'), deliver_at: sqlTypes.nullable(sqlTypes.timestamptz) },
  sample: { organizationId: NO_ID, endpointId: NO_ID, floor: NO_ID, after: NO_ID, since: new Date(0), until: new Date(0), exact: [] as string[], prefixes: [] as string[], star: false, projects: [] as string[], limit: 1 },
  sql: (a: { organizationId: string; endpointId: string; floor: string; after: string; since: Date; until: Date; exact: string[]; prefixes: string[]; star: boolean; projects: string[]; limit: number }) => Prisma.sql`
    SELECT e.id, e.type, e.project, e.payload, e.deliver_at FROM events e
     WHERE e.organization_id = ${a.organizationId}::uuid AND e.id >= ${a.floor}::uuid AND e.id > ${a.after}::uuid
       AND e.created_at >= ${a.since} AND e.created_at <= ${a.until}
       AND (e.type = ANY(${a.exact}::text[]) OR e.type LIKE ANY(${a.prefixes}::text[]) OR (${a.star} AND e.type NOT LIKE 'herald.%'))
       AND (cardinality(${a.projects}::text[]) = 0 OR e.project = ANY(${a.projects}::text[]))
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND (d.endpoint_id = ${a.endpointId}::uuid OR d.is_test))
     ORDER BY e.id LIMIT ${a.limit}`,
});

export async function replayMissing(services: AppServices, organizationId: string, input: ReplayMissingInput, now = new Date()): Promise<ReplayedMissing> {
  const until = input.until ?? now;
  const retainedFrom = new Date(now.getTime() - services.config.retentionDays * DAY_MS);
  if (input.since > until) throw ValidationError.of(['since'], 'must not be later than until');
  if (input.since < retainedFrom) {
    throw ValidationError.of(['since'], `is before the retention period (HERALD_RETENTION_DAYS = ${services.config.retentionDays}): events before ${retainedFrom.toISOString()} are deleted`);
  }
  const endpoint = await services.db.endpoint.findFirst({ where: { id: input.endpointId, organizationId } });
  if (!endpoint) throw new NotFoundError('Endpoint');
  if (!endpoint.active) throw ValidationError.of(['endpointId'], 'the endpoint is disabled: turn it on first, then deliver what it missed');
  return services.db.$transaction((tx) => replayMissingIn(tx, services, endpoint, input.since, until, input.dryRun ?? false), { timeout: 120_000 });
}

/** In the caller's transaction (recovery re-enables and replays in one); the endpoint must be active. */
export async function replayMissingIn(tx: Tx, services: Pick<AppServices, 'queue'>, endpoint: Endpoint, since: Date, until: Date, dryRun = false): Promise<ReplayedMissing> {
  // Two replays of one endpoint at once would both see an event without its delivery.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`replay-missing:${endpoint.id}`}, 0))`;
  const matcher = withParsedFilter(endpoint);
  const patterns = sqlPatterns(endpoint.eventTypes);
  // Event ids are made on the publisher's clock: a day's margin below `since` for the partitions read.
  const floor = dayFloorId(new Date(since.getTime() - DAY_MS));
  const paused = endpoint.pausedAt !== null;
  const created: Delivery[] = [];
  let count = 0;
  let after = NO_ID;
  for (;;) {
    const page = await MISSED_EVENTS.run(tx, { organizationId: endpoint.organizationId, endpointId: endpoint.id, floor, after, since, until, ...patterns, projects: endpoint.projects, limit: PAGE });
    const matching = page.filter((event) => endpointReceives(matcher, { type: event.type, project: event.project, payload: event.payload }));
    const room = MAX_REPLAY_MISSING - count;
    const wanted = matching.slice(0, room).map((event) => ({
      organizationId: endpoint.organizationId,
      eventId: event.id,
      endpointId: endpoint.id,
      deliverAt: event.deliver_at !== null && event.deliver_at > new Date() ? event.deliver_at : null,
      paused,
    }));
    count += wanted.length;
    if (!dryRun) created.push(...(await createDeliveries(tx, services.queue, wanted)));
    if (matching.length > room) return { count, created, complete: false };
    if (page.length < PAGE) return { count, created, complete: true };
    after = page.at(-1)!.id;
  }
}

/** The endpoint's patterns as SQL narrows them: exact names, LIKE prefixes (`_` escaped), and `*`. */
function sqlPatterns(eventTypes: readonly string[]): { exact: string[]; prefixes: string[]; star: boolean } {
  return {
    exact: eventTypes.filter((pattern) => pattern !== '*' && !pattern.endsWith('.*')),
    prefixes: eventTypes.filter((pattern) => pattern.endsWith('.*')).map((pattern) => `${pattern.slice(0, -1).replaceAll('_', '\\_')}%`),
    star: eventTypes.includes('*'),
  };
}
