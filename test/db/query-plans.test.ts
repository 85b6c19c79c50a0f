// Every portal and SDK read is bounded: on a seeded history (200,000 deliveries of one organization
// over a day, 20 endpoints, an event and an attempt each), each read runs through the real
// GraphQL API while every statement it sends to PostgreSQL is captured at the pg client, then each
// statement is EXPLAINed with its own parameters: no plan may read deliveries, events or attempts
// (or their partitions) by a sequential scan.
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { seedHistory } from '../../bench/support/seed-history.ts';

const DELIVERIES = 200_000;
const ENDPOINT_COUNT = 20;
const HISTORY_TABLE = /^(deliveries|events|attempts)(_|$)/;

let herald: TestHerald;
let key: string;
let explainer: pg.Client;
const endpointIds: string[] = [];
let someEventId = '';
let someDeliveryId = '';

interface Statement {
  text: string;
  values: unknown[];
}
let captured: Statement[] | null = null;

// Every pool client Herald uses is a pg.Client: its query method sees each statement Prisma's
// adapter and Herald's raw SQL send.
const clientQuery = pg.Client.prototype.query;
function captureStatements(): void {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    if (captured && this !== explainer) {
      const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
      const values = typeof first === 'string' ? second : (first as { values?: unknown[] } | null)?.values;
      if (text && /^\s*(SELECT|WITH)\b/i.test(text)) captured.push({ text, values: Array.isArray(values) ? values : [] });
    }
    // The original signature is overloaded; the arguments are passed on as they came.
    return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
}

beforeAll(async () => {
  herald = await startTestHerald();
  const organization = await herald.organization('history-co');
  key = organization.key;
  explainer = new pg.Client({ connectionString: herald.databaseUrl });
  await explainer.connect();
  const now = Date.now();
  for (let i = 0; i < ENDPOINT_COUNT; i++) {
    const id = uuidv7({ msecs: now - 2 * 86_400_000 + i });
    endpointIds.push(id);
    await explainer.query(
      `INSERT INTO endpoints (id, organization_id, name, url, event_types, projects, secret_sealed, updated_at)
       VALUES ($1, $2, $3, 'https://example.com/hook', '{*}', '{}', 'sealed', now())`,
      [id, organization.id, `e${String(i).padStart(2, '0')}`],
    );
  }
  await seedHistory(explainer, { organizationId: organization.id, endpointIds, deliveries: DELIVERIES, fromMs: now - 86_400_000, toMs: now - 1_000 });
  const some = await explainer.query<{ id: string; event_id: string }>(`SELECT id, event_id FROM deliveries WHERE status = 'FAILED' ORDER BY id DESC LIMIT 1 OFFSET 100`);
  someDeliveryId = some.rows[0]!.id;
  someEventId = some.rows[0]!.event_id;
  captureStatements();
}, 300_000);
afterAll(async () => {
  pg.Client.prototype.query = clientQuery;
  await explainer?.end();
  await herald?.close();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode): string[] {
  const here = node['Node Type'] === 'Seq Scan' && node['Relation Name'] && HISTORY_TABLE.test(node['Relation Name']) ? [node['Relation Name']] : [];
  return [...here, ...(node.Plans ?? []).flatMap(seqScans)];
}

/** Runs a GraphQL read as a user would and answers, per statement it ran, the history tables it scans sequentially. */
async function scansOf(query: string, variables: Record<string, unknown> = {}): Promise<Array<{ sql: string; seqScans: string[] }>> {
  captured = [];
  const response = await herald.graphql(query, variables, key);
  const statements = captured;
  captured = null;
  expect(response.errors).toBeUndefined();
  expect(statements.length).toBeGreaterThan(0);
  // A day partition still empty (the days made ahead) is planned as a scan of its zero pages: it
  // reads nothing, and once the day has rows its statistics turn the plan to its indexes.
  const empty = new Set((await explainer.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relpages = 0`)).rows.map((row) => row.relname));
  const plans = [];
  for (const { text, values } of statements) {
    const { rows } = await explainer.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
    plans.push({ sql: text.replace(/\s+/g, ' ').slice(0, 300), seqScans: seqScans(rows[0]!['QUERY PLAN'][0]!.Plan).filter((relation) => !empty.has(relation)) });
  }
  return plans;
}

const gid = (type: string, id: string) => encodeGlobalId(type, id);
const DELIVERY_PAGE = `query($first: Int, $after: String, $filter: DeliveryFilter) {
  deliveries(first: $first, after: $after, filter: $filter) {
    edges { node { id status attemptCount createdAt endpoint { id name } event { id type } attempts { number responseStatus } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

describe('every portal and SDK read on a seeded history', () => {
  const since = () => new Date(Date.now() - 6 * 3_600_000).toISOString();
  const deliveryFilters: Array<[string, () => Record<string, unknown>]> = [
    ['none', () => ({})],
    ['status', () => ({ status: 'FAILED' })],
    ['endpointId', () => ({ endpointId: gid('Endpoint', endpointIds[3]!) })],
    ['eventId', () => ({ eventId: gid('Event', someEventId) })],
    ['since', () => ({ since: since() })],
    ['endpointId + status', () => ({ endpointId: gid('Endpoint', endpointIds[3]!), status: 'FAILED' })],
    ['endpointId + since', () => ({ endpointId: gid('Endpoint', endpointIds[3]!), since: since() })],
    ['status + since', () => ({ status: 'RETRYING', since: since() })],
    ['endpointId + status + since', () => ({ endpointId: gid('Endpoint', endpointIds[3]!), status: 'SUCCEEDED', since: since() })],
    ['eventId + status', () => ({ eventId: gid('Event', someEventId), status: 'FAILED' })],
    ['eventId + endpointId', () => ({ eventId: gid('Event', someEventId), endpointId: gid('Endpoint', endpointIds[3]!) })],
  ];
  for (const [name, filter] of deliveryFilters) {
    it(`deliveries filtered by ${name}`, async () => {
      const plans = await scansOf(DELIVERY_PAGE, { first: 50, filter: filter() });
      expect(plans.flatMap((plan) => plan.seqScans), JSON.stringify(plans)).toEqual([]);
    });
  }

  it('deliveries, page 11 of an endpoint and of a status', async () => {
    for (const filter of [{ endpointId: gid('Endpoint', endpointIds[5]!) }, { status: 'FAILED' }]) {
      let after: string | null = null;
      for (let page = 1; page < 11; page++) {
        const response: { data?: { deliveries: { pageInfo: { endCursor: string } } } } = await herald.graphql(DELIVERY_PAGE, { first: 50, after, filter }, key);
        after = response.data!.deliveries.pageInfo.endCursor;
      }
      const plans = await scansOf(DELIVERY_PAGE, { first: 50, after, filter });
      expect(plans.flatMap((plan) => plan.seqScans)).toEqual([]);
    }
  });

  it("a delivery and its attempts, an event and its deliveries", async () => {
    const delivery = await scansOf(`query($id: ID!) { delivery(id: $id) { id status attempts { number startedAt durationMs responseStatus } event { id payload } } }`, { id: gid('Delivery', someDeliveryId) });
    expect(delivery.flatMap((plan) => plan.seqScans)).toEqual([]);
    const event = await scansOf(`query($id: ID!) { event(id: $id) { id type deliveries { id status endpoint { id } } } }`, { id: gid('Event', someEventId) });
    expect(event.flatMap((plan) => plan.seqScans)).toEqual([]);
  });

  for (const hours of [1, 24, 720]) {
    it(`endpoints(first: 20) { stats(hours: ${hours}) }`, async () => {
      const plans = await scansOf(`query($hours: Int!) { endpoints(first: 20) { edges { node { id name stats(hours: $hours) { total succeeded failed successRate lastDeliveryAt } } } } }`, { hours });
      expect(plans.flatMap((plan) => plan.seqScans), JSON.stringify(plans)).toEqual([]);
    });
  }

  it('events, with each filter, and a deep page', async () => {
    const EVENTS = `query($first: Int, $after: String, $filter: EventFilter) { events(first: $first, after: $after, filter: $filter) { edges { node { id type createdAt } } pageInfo { endCursor } } }`;
    for (const filter of [{}, { type: 'order.created' }, { type: 'never.published' }, { since: since() }, { project: 'none' }, { type: 'order.created', since: since() }, { type: 'order.created', project: 'none', since: since() }]) {
      const plans = await scansOf(EVENTS, { first: 50, filter });
      expect(plans.flatMap((plan) => plan.seqScans), JSON.stringify(filter)).toEqual([]);
    }
    let after: string | null = null;
    for (let page = 1; page < 11; page++) after = (await herald.graphql(EVENTS, { first: 50, after }, key)).data!.events.pageInfo.endCursor;
    expect((await scansOf(EVENTS, { first: 50, after })).flatMap((plan) => plan.seqScans)).toEqual([]);
  });

  it('the event catalog', async () => {
    const plans = await scansOf(`query { eventTypes { name description deprecated } }`);
    expect(plans.flatMap((plan) => plan.seqScans)).toEqual([]);
  });
});
