// Publishing: the event, one delivery per matching active endpoint (PAUSED when it is paused), and their first jobs are
// written in ONE transaction — an acknowledged event is never lost and never half-scheduled.
//
// This is the API's hottest path, so it runs its few set-based statements on a pooled `pg`
// connection instead of through Prisma (src/db/prisma.ts sqlPool): a call of 100 events is one
// INSERT of the events, one read of the organization's endpoints, one INSERT of the deliveries,
// one of their jobs and one NOTIFY statement, whatever the number of events and endpoints.
import { uuidv7 } from '../uuid7.ts';
import { checkedQuery, sqlTypes, type SqlClient } from '../db/checked-sql.ts';
import { inTransaction } from '../db/prisma.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { cachedPayloadValidator } from '../event-types/payload-schema.ts';
import { Prisma, type Delivery, type Event } from '../generated/prisma/client.ts';
import type { AppServices } from '../services.ts';
import { createDeliveries } from '../delivery-state/scheduling.ts';
import { PublishFilters, type EndpointRow } from './publish-filters.ts';
import { MAX_DELIVER_AHEAD_MS, PayloadTexts, publishIssues, requestHash, scheduledFor, type PublishInput } from './publish-rules.ts';
import { inSpan } from '../telemetry/tracing.ts';
import { traceHeadersOf, type TraceHeaders } from '../telemetry/trace-context.ts';
import { instruments } from '../telemetry/instruments.ts';
import { context } from '@opentelemetry/api';
import { encodeGlobalId } from '../global-id.ts';

export interface Published {
  event: Event;
  deliveries: Delivery[];
}

const { uuid, text, int4, bytea, textArray, timestamptz, json, nullable } = sqlTypes;
const NO_ID = '00000000-0000-0000-0000-000000000000';

export const CATALOG_ENTRIES = checkedQuery({
  name: 'catalog entries',
  columns: { name: text, schema: nullable(json<unknown>('jsonb')) },
  sample: { names: [] as string[] },
  sql: ({ names }: { names: string[] }) => Prisma.sql`SELECT name, schema FROM event_types WHERE name = ANY(${names}::text[])`,
});

// Idempotency keys live in event_idempotency_keys, not in a unique index of events: events is
// partitioned by id (docs/history-partitions.md), and a unique index there must contain the id.
export const EVENTS_BY_KEY = checkedQuery({
  name: 'events by idempotency key',
  columns: { id: uuid, idempotency_key: text, request_hash: bytea },
  sample: { organizationId: NO_ID, keys: [] as string[] },
  sql: ({ organizationId, keys }: { organizationId: string; keys: string[] }) => Prisma.sql`
    SELECT k.event_id AS id, k.key AS idempotency_key, k.request_hash FROM event_idempotency_keys k
     WHERE k.organization_id = ${organizationId}::uuid AND k.key = ANY(${keys}::text[])`,
});

/**
 * Claims the keys of the events being published, in the publishing transaction: a key another
 * request claimed first fails it with a unique violation, and publishEvents runs again to find it.
 */
export const CLAIM_KEYS = checkedQuery({
  name: 'claim idempotency keys',
  columns: { claimed: int4 },
  sample: { organizationId: NO_ID, rows: '[]' },
  sql: ({ organizationId, rows }: { organizationId: string; rows: string }) => Prisma.sql`
    WITH claimed AS (
      INSERT INTO event_idempotency_keys (organization_id, key, event_id, request_hash)
      SELECT ${organizationId}::uuid, r.key, r.id, decode(r.hash, 'hex')
        FROM jsonb_to_recordset(${rows}::jsonb) AS r(id uuid, key text, hash text)
      RETURNING 1)
    SELECT count(*)::int4 AS claimed FROM claimed`,
});

/** The new events as one JSON array of { id, type, payload, project, key, hash (hex), deliverAt, traceParent, traceState }. */
export const INSERT_EVENTS = checkedQuery({
  name: 'insert events',
  columns: { inserted: int4, now: timestamptz },
  sample: { organizationId: NO_ID, rows: '[]' },
  sql: ({ organizationId, rows }: { organizationId: string; rows: string }) => Prisma.sql`
    WITH inserted AS (
      INSERT INTO events (id, organization_id, type, payload, project, idempotency_key, request_hash, deliver_at, trace_parent, trace_state)
      SELECT r.id, ${organizationId}::uuid, r.type, r.payload, r.project, r.key, decode(r.hash, 'hex'), r."deliverAt", r."traceParent", r."traceState"
        FROM jsonb_to_recordset(${rows}::jsonb)
             AS r(id uuid, type text, payload jsonb, project text, key text, hash text, "deliverAt" timestamptz, "traceParent" text, "traceState" text)
      RETURNING 1)
    SELECT (SELECT count(*) FROM inserted)::int4 AS inserted, now() AS now`,
});

export const RECEIVING_ENDPOINTS = checkedQuery({
  name: 'receiving endpoints',
  columns: { id: uuid, event_types: textArray, projects: textArray, filter: nullable(json<unknown>('jsonb')), paused: sqlTypes.bool },
  sample: { organizationId: NO_ID },
  sql: ({ organizationId }: { organizationId: string }) => Prisma.sql`
    SELECT id, COALESCE(event_types, '{}') AS event_types, COALESCE(projects, '{}') AS projects, filter, paused_at IS NOT NULL AS paused
      FROM endpoints WHERE organization_id = ${organizationId}::uuid AND active`,
});

/**
 * The endpoints among `ids` still paused, locked FOR SHARE until the publish commits: a
 * resumeEndpoint waits for it and then finds its PAUSED rows to queue. One that resumed since the
 * read is not answered, and gets ordinary deliveries.
 */
export const STILL_PAUSED = checkedQuery({
  name: 'endpoints still paused',
  columns: { id: uuid },
  sample: { ids: [] as string[] },
  sql: ({ ids }: { ids: string[] }) => Prisma.sql`
    SELECT id FROM endpoints WHERE id = ANY(${ids}::uuid[]) AND paused_at IS NOT NULL ORDER BY id FOR SHARE`,
});

/**
 * `path` prefixes issue paths (['events', '3'] for the fourth event of publishEvents). `trace`: the
 * trace the publish request named, continued by the events' attempts (with tracing on, through
 * this publish's span).
 */
export function publishEvents(
  services: AppServices,
  organizationId: string,
  inputs: Array<{ input: PublishInput; path: string[] }>,
  trace: TraceHeaders | null = null,
): Promise<Published[]> {
  return inSpan('herald.publish', { attributes: { 'herald.organization.id': encodeGlobalId('Organization', organizationId), 'herald.events.given': inputs.length } }, (span) =>
    publishTraced(services, organizationId, inputs, span ? traceHeadersOf(context.active()) : trace, (published, created) => {
      span?.setAttributes({ 'herald.events.published': published, 'herald.deliveries.created': created });
      instruments().eventsPublished.add(published);
      instruments().deliveriesCreated.add(created);
    }),
  );
}

async function publishTraced(
  services: AppServices,
  organizationId: string,
  inputs: Array<{ input: PublishInput; path: string[] }>,
  trace: TraceHeaders | null,
  count: (events: number, deliveries: number) => void,
): Promise<Published[]> {
  const pool = services.sql;
  const texts = new PayloadTexts();
  await checkInputs(services, pool, inputs, texts);
  // Filters first, outside the transaction: an expensive call spends its own time, not a
  // connection's, and is refused before anything is written.
  const filters = new PublishFilters();
  await filters.evaluateAhead(await receivingEndpoints(pool, organizationId), inputs.map(({ input }) => filteredEvent(input)));
  const write = () => inTransaction(pool, (client) => writeAll(services, client, organizationId, inputs, filters, texts, trace));
  let written: Written;
  try {
    written = await write();
  } catch (error) {
    // Two requests with one new idempotency key raced; the loser now finds the winner's event.
    if (!isUniqueViolation(error)) throw error;
    written = await write();
  }
  // Once committed; replays of an idempotency key created nothing.
  const fresh = written.filter((result): result is Published => 'event' in result);
  count(fresh.length, fresh.reduce((sum, result) => sum + result.deliveries.length, 0));
  return withReplays(services, written);
}

async function checkInputs(services: AppServices, client: SqlClient, inputs: Array<{ input: PublishInput; path: string[] }>, texts: PayloadTexts): Promise<void> {
  const types = [...new Set(inputs.map(({ input }) => input.type))];
  const rows = await CATALOG_ENTRIES.run(client, { names: types });
  const catalog = new Set(rows.map((row) => row.name));
  const schemas = new Map(rows.map((row) => [row.name, row.schema]));
  const context = {
    catalog,
    validatorFor: (type: string) => cachedPayloadValidator(schemas.get(type) ?? null),
    maxPayloadBytes: services.config.maxPayloadBytes,
    now: new Date(),
    // A day partition is dropped with everything in it (docs/history-partitions.md): nothing may be
    // due later than retention keeps its event.
    maxDeliverAheadMs: Math.min(MAX_DELIVER_AHEAD_MS, services.config.retentionDays * 86_400_000),
    textOf: texts.of,
  };
  const issues: FieldIssue[] = inputs.flatMap(({ input, path }) => publishIssues(input, path, context));
  const keys = inputs.map(({ input }) => input.idempotencyKey).filter((key): key is string => key != null);
  if (new Set(keys).size !== keys.length) issues.push({ path: ['events'], message: 'two events share an idempotencyKey' });
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Each input's new event and deliveries, or the id of the event its idempotency key already names. */
type Written = Array<Published | { replayOf: string }>;

async function writeAll(
  services: AppServices,
  client: SqlClient,
  organizationId: string,
  inputs: Array<{ input: PublishInput; path: string[] }>,
  filters: PublishFilters,
  texts: PayloadTexts,
  trace: TraceHeaders | null,
): Promise<Written> {
  const keys = inputs.map(({ input }) => input.idempotencyKey).filter((key): key is string => key != null);
  const existing = keys.length === 0 ? [] : await EVENTS_BY_KEY.run(client, { organizationId, keys });
  const byKey = new Map(existing.map((event) => [event.idempotency_key, event]));

  const results: Array<{ replayOf: string } | { event: Omit<Event, 'createdAt'> }> = [];
  const now = new Date();
  for (const { input, path } of inputs) {
    const hash = requestHash(input, texts.of);
    const previous = input.idempotencyKey != null ? byKey.get(input.idempotencyKey) : undefined;
    if (previous) {
      if (!Buffer.from(previous.request_hash).equals(hash)) {
        throw ValidationError.of([...path, 'idempotencyKey'], 'was already used for a different event (type, payload or project differ)');
      }
      results.push({ replayOf: previous.id });
      continue;
    }
    results.push({
      event: {
        id: uuidv7(),
        organizationId,
        type: input.type,
        // Checked by publishIssues: a JSON object.
        payload: input.payload as Prisma.JsonObject,
        project: input.project ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        requestHash: Uint8Array.from(hash),
        deliverAt: scheduledFor(input, now),
        traceParent: trace?.traceparent ?? null,
        traceState: trace?.tracestate ?? null,
      },
    });
  }
  const fresh = results.flatMap((result) => ('event' in result ? [result.event] : []));
  if (fresh.length === 0) return results.map((result) => result as { replayOf: string });

  const rows = fresh.map((event) => ({
    id: event.id,
    type: event.type,
    project: event.project,
    key: event.idempotencyKey,
    hash: Buffer.from(event.requestHash!).toString('hex'),
    deliverAt: event.deliverAt,
    traceParent: event.traceParent,
    traceState: event.traceState,
  }));
  const keyed = rows.filter((row) => row.key !== null);
  if (keyed.length > 0) await CLAIM_KEYS.run(client, { organizationId, rows: JSON.stringify(keyed) });
  // Each payload's text as the size check wrote it, spliced in rather than written again.
  const eventRows = rows.map((row, index) => `${JSON.stringify(row).slice(0, -1)},"payload":${texts.of(fresh[index]!.payload as Prisma.JsonObject)}}`);
  const [inserted] = await INSERT_EVENTS.run(client, { organizationId, rows: `[${eventRows.join(',')}]` });
  const createdAt = inserted!.now;
  const endpoints = await receivingEndpoints(client, organizationId);
  const pausedIds = endpoints.filter((endpoint) => endpoint.paused).map((endpoint) => endpoint.id);
  if (pausedIds.length > 0) {
    const still = new Set((await STILL_PAUSED.run(client, { ids: pausedIds })).map((row) => row.id));
    for (const endpoint of endpoints) endpoint.paused = still.has(endpoint.id);
  }
  const wanted = fresh.flatMap((event) =>
    endpoints
      .filter((endpoint) => filters.receives(endpoint, filteredEvent(event)))
      // A paused endpoint's deliveries are written PAUSED: they wait for resumeEndpoint, not lost.
      .map((endpoint) => ({ organizationId, eventId: event.id, endpointId: endpoint.id, deliverAt: event.deliverAt, paused: endpoint.paused })),
  );
  const deliveries = await createDeliveries(client, services.queue, wanted);
  const deliveriesByEvent = Map.groupBy(deliveries, (d) => d.eventId);
  return results.map((result) =>
    'event' in result ? { event: { ...result.event, createdAt }, deliveries: deliveriesByEvent.get(result.event.id) ?? [] } : result,
  );
}

async function receivingEndpoints(client: SqlClient, organizationId: string): Promise<Array<EndpointRow & { paused: boolean }>> {
  const rows = await RECEIVING_ENDPOINTS.run(client, { organizationId });
  return rows.map((row) => ({ id: row.id, eventTypes: row.event_types, projects: row.projects, filter: row.filter, paused: row.paused }));
}

/** Checked by publishIssues: the payload is a JSON object, the very one the transaction writes. */
function filteredEvent(event: Pick<PublishInput, 'type' | 'payload' | 'project'>) {
  return { type: event.type, project: event.project ?? null, payload: event.payload as object };
}

/** Replays answer the original event and its deliveries as they are now. */
async function withReplays(services: AppServices, written: Written): Promise<Published[]> {
  const replayIds = written.flatMap((result) => ('replayOf' in result ? [result.replayOf] : []));
  if (replayIds.length === 0) return written as Published[];
  const oldest = [...replayIds].sort()[0]!;
  const originals = await services.db.event.findMany({
    where: { id: { in: replayIds } },
    // A delivery is created after its event: ids below the oldest event's are none of these, and
    // their partitions are not read.
    include: { deliveries: { where: { id: { gte: oldest } }, orderBy: { id: 'asc' } } },
  });
  const byId = new Map(originals.map(({ deliveries, ...event }) => [event.id, { event, deliveries }]));
  return written.map((result) => ('replayOf' in result ? byId.get(result.replayOf)! : result));
}
