// De-risks publishing: fan-out by type, wildcard and project; idempotency; JSON Schema and size
// checks; and atomicity — an event, its deliveries and their jobs are written together or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents } from '../../src/events/publish.ts';
import { publishEventSelecting, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';

let herald: TestHerald;
let org: { id: string; key: string; globalId: string };
const endpointIds: Record<string, string> = {};

// What publish() reads of an answer; PUBLISH is the same mutation for calls that expect a refusal.
const PUBLISHED = `__typename
  ... on PublishEventPayload { event { id type project idempotencyKey } deliveries { id status endpoint { name } } }
  ... on Error { message } ... on ValidationError { fields { path message } }`;
const PUBLISH = `mutation($input: PublishEventInput!) { publishEvent(input: $input) { ${PUBLISHED} } }`;

beforeAll(async () => {
  herald = await startTestHerald({ maxPayloadBytes: 2048 });
  await herald.db.eventType.createMany({
    data: [
      { name: 'order.created' },
      { name: 'order.paid', schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } },
      { name: 'user.deleted' },
    ],
  });
  org = await herald.organization('publisher');
  const endpoints = [
    ['all', ['*'], []],
    ['orders', ['order.*'], []],
    ['paid', ['order.paid'], []],
    ['eu-only', ['*'], ['eu']],
  ] as const;
  for (const [name, eventTypes, projects] of endpoints) {
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `https://${name}.example/hook`, name, eventTypes, projects } }, org.key);
    endpointIds[name] = created.data!.createEndpoint.endpoint.id;
  }
});
afterAll(() => herald.close());

const publish = (input: Record<string, unknown>, key = org.key) => publishEventSelecting(withKey(herald, key), input, PUBLISHED);

const jobCount = async () =>
  Number((await herald.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'herald-deliver'`)[0]!.n);

describe('fan-out', () => {
  it('creates one pending delivery and one job per matching endpoint', async () => {
    const jobsBefore = await jobCount();
    const result = await publish({ type: 'order.paid', payload: { total: 12 } });
    expect(result.event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(result.deliveries.map((d: { endpoint: { name: string } }) => d.endpoint.name).sort()).toEqual(['all', 'orders', 'paid']);
    expect(result.deliveries.every((d: { status: string }) => d.status === 'PENDING')).toBe(true);
    expect((await jobCount()) - jobsBefore).toBe(3);
  });

  it('matches wildcards by prefix and filters by project', async () => {
    const created = await publish({ type: 'order.created', payload: {}, project: 'eu' });
    expect(created.deliveries.map((d: { endpoint: { name: string } }) => d.endpoint.name).sort()).toEqual(['all', 'eu-only', 'orders']);
    const us = await publish({ type: 'user.deleted', payload: {}, project: 'us' });
    expect(us.deliveries.map((d: { endpoint: { name: string } }) => d.endpoint.name)).toEqual(['all']);
  });

  it('skips inactive endpoints', async () => {
    await herald.db.endpoint.updateMany({ where: { name: 'all' }, data: { active: false } });
    const result = await publish({ type: 'user.deleted', payload: {} });
    expect(result.deliveries).toEqual([]);
    await herald.db.endpoint.updateMany({ where: { name: 'all' }, data: { active: true } });
  });
});

describe('idempotency', () => {
  it('returns the first event for the same key and payload, scheduling nothing new', async () => {
    const first = await publish({ type: 'order.created', payload: { a: 1, b: 2 }, idempotencyKey: 'k-1' });
    const jobs = await jobCount();
    const again = await publish({ type: 'order.created', payload: { b: 2, a: 1 }, idempotencyKey: 'k-1' });
    expect(again.event.id).toBe(first.event.id);
    expect(again.deliveries.map((d: { id: string }) => d.id)).toEqual(first.deliveries.map((d: { id: string }) => d.id));
    expect(await jobCount()).toBe(jobs);
  });

  it('refuses the same key with a different payload', async () => {
    await publish({ type: 'order.created', payload: { a: 1 }, idempotencyKey: 'k-2' });
    const before = await herald.db.event.count();
    const reused = await publish({ type: 'order.created', payload: { a: 2 }, idempotencyKey: 'k-2' });
    expect(reused).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['idempotencyKey'] }] });
    expect(await herald.db.event.count()).toBe(before);
  });

  it('keeps keys apart per organization', async () => {
    const other = await herald.organization('other-publisher');
    const mine = await publish({ type: 'order.created', payload: { a: 1 }, idempotencyKey: 'shared' });
    const theirs = await publish({ type: 'order.created', payload: { a: 1 }, idempotencyKey: 'shared' }, other.key);
    expect(theirs.event.id).not.toBe(mine.event.id);
  });
});

describe('bad input', () => {
  it.each([
    ['an unknown type', { type: 'nope.nope', payload: {} }, ['type']],
    ['a payload failing the JSON Schema', { type: 'order.paid', payload: { total: 'twelve' } }, ['payload']],
    ['a payload that is not an object', { type: 'order.created', payload: [1, 2] }, ['payload']],
    ['a payload over HERALD_MAX_PAYLOAD_BYTES', { type: 'order.created', payload: { pad: 'x'.repeat(3000) } }, ['payload']],
    ['a malformed project', { type: 'order.created', payload: {}, project: 'has space' }, ['project']],
  ])('refuses %s and writes nothing', async (_label, input, path) => {
    const [events, deliveries, jobs] = [await herald.db.event.count(), await herald.db.delivery.count(), await jobCount()];
    const result = await publish(input);
    expect(result).toMatchObject({ __typename: 'ValidationError', fields: [{ path }] });
    expect([await herald.db.event.count(), await herald.db.delivery.count(), await jobCount()]).toEqual([events, deliveries, jobs]);
  });

  it('refuses a batch with one bad event whole', async () => {
    const events = await herald.db.event.count();
    const response = await herald.graphql(
      `mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename ... on ValidationError { fields { path } } } }`,
      { input: { events: [{ type: 'order.created', payload: {} }, { type: 'nope', payload: {} }] } },
      org.key,
    );
    expect(response.data?.publishEvents).toEqual({ __typename: 'ValidationError', fields: [{ path: ['events', '1', 'type'] }] });
    expect(await herald.db.event.count()).toBe(events);
  });

  it('publishes a batch of 100 in order, and refuses 101', async () => {
    const batch = (n: number) => ({ events: Array.from({ length: n }, (_, i) => ({ type: 'user.deleted', payload: { i } })) });
    const ok = await herald.graphql(
      `mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename ... on PublishEventsPayload { results { event { payload } } } } }`,
      { input: batch(100) },
      org.key,
    );
    expect(ok.data?.publishEvents.results.map((r: { event: { payload: { i: number } } }) => r.event.payload.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const tooMany = await herald.graphql(`mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename } }`, { input: batch(101) }, org.key);
    expect(tooMany.data?.publishEvents.__typename).toBe('ValidationError');
  });
});

describe('atomicity', () => {
  it('leaves no event, delivery or job when scheduling fails inside the transaction', async () => {
    const [events, deliveries, jobs] = [await herald.db.event.count(), await herald.db.delivery.count(), await jobCount()];
    const failingQueue = { enqueue: async () => Promise.reject(new Error('queue unavailable')) };
    await expect(
      publishEvents({ ...herald.services, queue: failingQueue }, org.id, [{ input: { type: 'order.paid', payload: { total: 1 } }, path: [] }]),
    ).rejects.toThrow('queue unavailable');
    expect([await herald.db.event.count(), await herald.db.delivery.count(), await jobCount()]).toEqual([events, deliveries, jobs]);
  });
});

describe('who may publish', () => {
  it('lets admin keys publish for a named organization only', async () => {
    // An admin key reads back what it published, not the organization's endpoints (no scope of its own).
    const asAdmin = PUBLISH.replace('endpoint { name }', 'endpoint { id }');
    const named = await herald.graphql(asAdmin, { input: { type: 'user.deleted', payload: {}, organizationId: org.globalId } }, herald.adminKey);
    expect(named.data?.publishEvent.__typename).toBe('PublishEventPayload');
    const reading = await herald.graphql(PUBLISH, { input: { type: 'user.deleted', payload: {}, organizationId: org.globalId } }, herald.adminKey);
    expect(reading.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unnamed = await herald.graphql(PUBLISH, { input: { type: 'user.deleted', payload: {} } }, herald.adminKey);
    expect(unnamed.data?.publishEvent.__typename).toBe('ValidationError');
    const missing = await herald.graphql(PUBLISH, { input: { type: 'user.deleted', payload: {}, organizationId: 'org_0190000000007000800000000000dead' } }, herald.adminKey);
    expect(missing.data?.publishEvent.__typename).toBe('NotFoundError');
  });

  it('refuses a key without events:publish', async () => {
    const reader = await herald.organization('reader-only', ['events:read']);
    const response = await herald.graphql(PUBLISH, { input: { type: 'user.deleted', payload: {} } }, reader.key);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
