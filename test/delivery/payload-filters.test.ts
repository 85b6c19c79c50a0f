// De-risks payload filters end to end, with a real worker and a real receiver on 127.0.0.1: an
// endpoint with a filter receives exactly the events whose payload matches and its neighbour
// without one receives all; a changed or removed filter applies to the next publish; a malformed
// filter is refused with the path into it and writes nothing; testFilter answers as fan-out
// decides; portal sessions set filters where they may set event types; an unreadable stored filter
// delivers nothing rather than everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { createPortalSession } from '../../src/portal/portal-sessions.ts';
import { publishEvent, publishEvents, withKey, type EventInput } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const FILTER = { 'data.amount': { $gte: 100 }, $or: [{ 'data.currency': 'EUR' }, { 'data.currency': { $in: ['USD', 'GBP'] } }] };
const ISSUES = '... on Error { message } ... on ValidationError { fields { path message } }';
const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { id name filter } } ${ISSUES} }
}`;
const UPDATE_ENDPOINT = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { __typename ... on UpdateEndpointPayload { endpoint { id name filter } } ${ISSUES} }
}`;
const TEST_FILTER = `query($filter: JSON!, $payload: JSON!) {
  testFilter(filter: $filter, payload: $payload) {
    __typename ... on TestFilterPayload { matches reason { path message } } ... on ValidationError { message fields { path message } }
  }
}`;

let herald: TestHerald;
let receiver: Receiver;
let org: { id: string; key: string };

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0] }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver();
  org = await herald.organization('filters-co');
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

/** Each test's endpoints have a project of their own, so events of one test never reach another's. */
async function endpoint(path: string, project: string, extra: Record<string, unknown> = {}, key = org.key) {
  const input = { url: `${receiver.url}${path}`, eventTypes: ['*'], projects: [project], ...extra };
  const created = await herald.graphql(CREATE_ENDPOINT, { input }, key);
  expect(created.errors).toBeUndefined();
  expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  return created.data!.createEndpoint.endpoint as { id: string; filter?: unknown };
}

const update = async (input: Record<string, unknown>, key = org.key) => (await herald.graphql(UPDATE_ENDPOINT, { input }, key)).data!.updateEndpoint;
const order = (project: string, n: number, data: Record<string, unknown>): EventInput => ({ type: 'order.created', project, payload: { n, data } });
/** The `n` of every event a path received, in order of n. */
const received = (path: string) => receiver.requests.filter((r) => r.url === path).map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n).sort((a, b) => a - b);

async function allDelivered(deliveryIds: string[]) {
  await waitFor(async () => {
    const ids = deliveryIds.map((id) => idOfType(id, 'Delivery')!);
    return (await herald.db.delivery.count({ where: { id: { in: ids }, status: 'SUCCEEDED' } })) === ids.length;
  }, `${deliveryIds.length} deliveries to succeed`);
}

describe('fan-out with a payload filter', () => {
  it('delivers to the filtered endpoint exactly the events that match, and everything to its neighbour', async () => {
    await endpoint('/all', 'sales');
    const filtered = await endpoint('/big', 'sales', { filter: FILTER });
    expect(filtered.filter).toEqual(FILTER);

    const events = [
      order('sales', 1, { amount: 150, currency: 'EUR' }), // matches
      order('sales', 2, { amount: 99, currency: 'EUR' }), // too small
      order('sales', 3, { amount: 100, currency: 'GBP' }), // matches, at the boundary
      order('sales', 4, { amount: 500, currency: 'JPY' }), // another currency
      order('sales', 5, { currency: 'USD' }), // no amount
      order('sales', 6, { amount: '500', currency: 'USD' }), // a string is not compared with a number
      order('sales', 7, { amount: 1e6, currency: 'USD', extra: [1, 2] }), // matches
    ];
    // A batch (each endpoint's filter parsed once for all of it) and a single publish.
    const batch = await publishEvents(withKey(herald, org.key), events.slice(0, 6));
    const single = await publishEvent(withKey(herald, org.key), events[6]!);
    expect([...batch, single].map((published) => published.deliveryIds.length)).toEqual([2, 1, 2, 1, 1, 1, 2]);

    await allDelivered([...batch, single].flatMap((published) => published.deliveryIds));
    expect(received('/all')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(received('/big')).toEqual([1, 3, 7]);
  });

  it('applies a changed filter to the next publish, and receives everything once it is removed', async () => {
    const { id } = await endpoint('/changing', 'changing', { filter: { 'data.currency': 'EUR' } });
    const send = async (n: number, currency: string) => (await publishEvent(withKey(herald, org.key), order('changing', n, { currency }))).deliveryIds;

    const sent = [...(await send(1, 'EUR')), ...(await send(2, 'USD'))];
    const changed = await update({ id, filter: { 'data.currency': { $neq: 'EUR' } } });
    expect(changed.endpoint.filter).toEqual({ 'data.currency': { $neq: 'EUR' } });
    sent.push(...(await send(3, 'EUR')), ...(await send(4, 'USD')));
    // An update that leaves `filter` out keeps it.
    expect((await update({ id, name: 'renamed' })).endpoint.filter).toEqual({ 'data.currency': { $neq: 'EUR' } });
    expect((await update({ id, filter: null })).endpoint.filter).toBeNull();
    expect((await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(id, 'Endpoint')! } })).filter).toBeNull();
    sent.push(...(await send(5, 'EUR')), ...(await send(6, 'USD')));

    await allDelivered(sent);
    expect(received('/changing')).toEqual([1, 4, 5, 6]);
  });

  it('delivers nothing through a stored filter that no longer parses, rather than everything', async () => {
    const { id } = await endpoint('/unreadable', 'unreadable', { filter: { 'data.currency': 'EUR' } });
    await herald.db.endpoint.update({ where: { id: idOfType(id, 'Endpoint')! }, data: { filter: { 'data.currency': { $bogus: 'EUR' } } } });
    const published = await publishEvent(withKey(herald, org.key), order('unreadable', 1, { currency: 'EUR' }));
    expect(published.deliveryIds).toEqual([]);
  });
});

describe('a malformed filter', () => {
  it.each([
    ['an $in that is not an array', { $or: [{ currency: 'EUR' }, { currency: { $in: 'USD' } }] }, ['filter', '$or', '1', 'currency', '$in']],
    ['an unknown operator', { amount: { $between: [1, 2] } }, ['filter', 'amount', '$between']],
    ['an empty $and', { $and: [] }, ['filter', '$and']],
    ['a filter that is not an object', ['EUR'], ['filter']],
    ['a filter over 4 KiB', { note: 'x'.repeat(5000) }, ['filter']],
  ])('(%s) is refused on create with its path, and nothing is written', async (_label, filter, path) => {
    const before = await herald.db.endpoint.count();
    const input = { url: `${receiver.url}/refused`, eventTypes: ['*'], filter };
    const result = (await herald.graphql(CREATE_ENDPOINT, { input }, org.key)).data!.createEndpoint;
    expect(result.__typename).toBe('ValidationError');
    expect(result.fields.map((issue: { path: string[] }) => issue.path)).toContainEqual(path);
    expect(await herald.db.endpoint.count()).toBe(before);
  });

  it('is refused on update with its path, and nothing of the update is written', async () => {
    const { id } = await endpoint('/kept', 'kept', { name: 'kept', filter: { 'data.currency': 'EUR' } });
    const result = await update({ id, name: 'changed', filter: { 'data.amount': { $gt: true } } });
    expect(result.__typename).toBe('ValidationError');
    expect(result.fields).toEqual([{ path: ['filter', 'data.amount', '$gt'], message: 'must be a number or a string' }]);
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(id, 'Endpoint')! } });
    expect(row).toMatchObject({ name: 'kept', filter: { 'data.currency': 'EUR' } });
  });
});

describe('testFilter', () => {
  const test = async (filter: unknown, payload: unknown, key: string | null = org.key) => herald.graphql(TEST_FILTER, { filter, payload }, key);

  it('answers whether a sample payload matches, and why not', async () => {
    expect((await test(FILTER, { data: { amount: 150, currency: 'EUR' } })).data!.testFilter).toEqual({ __typename: 'TestFilterPayload', matches: true, reason: null });
    expect((await test(FILTER, { data: { amount: 150, currency: 'JPY' } })).data!.testFilter).toEqual({
      __typename: 'TestFilterPayload',
      matches: false,
      reason: { path: ['filter', '$or'], message: 'None of its 2 alternatives matched; the first failed because: data.currency is "JPY", not equal to "EUR"' },
    });
    expect((await test(FILTER, { data: { currency: 'EUR' } })).data!.testFilter.reason).toEqual({
      path: ['filter', 'data.amount', '$gte'],
      message: 'data.amount is missing, so it is not at least 100',
    });
  });

  it('answers a malformed filter with a ValidationError naming each fault', async () => {
    const answer = (await test({ $or: [{ currency: { $in: 'USD' } }], amount: { $gte: null } }, {})).data!.testFilter;
    expect(answer.__typename).toBe('ValidationError');
    expect(answer.fields.map((issue: { path: string[] }) => issue.path)).toEqual([['filter', '$or', '0', 'currency', '$in'], ['filter', 'amount', '$gte']]);
  });

  it('needs a key, of any scope', async () => {
    expect((await test(FILTER, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const publishOnly = await herald.organization('filters-publisher', ['events:publish']);
    expect((await test(FILTER, {}, publishOnly.key)).data!.testFilter.__typename).toBe('TestFilterPayload');
  });
});

describe('portal sessions', () => {
  it('set a filter where they may set event types, and only read it where they may only read', async () => {
    const writer = await createPortalSession(herald.db, herald.config, org.id, { scopes: ['endpoints:read', 'endpoints:write'], seconds: 600 });
    const reader = await createPortalSession(herald.db, herald.config, org.id, { scopes: ['endpoints:read'], seconds: 600 });
    const { id } = await endpoint('/portal', 'portal', { filter: { 'data.currency': 'EUR' } }, writer.token);
    expect((await update({ id, filter: { 'data.currency': 'GBP' } }, writer.token)).endpoint.filter).toEqual({ 'data.currency': 'GBP' });
    const refused = await herald.graphql(UPDATE_ENDPOINT, { input: { id, filter: null } }, reader.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = await herald.graphql(`query($id: ID!) { node(id: $id) { ... on Endpoint { filter } } }`, { id }, reader.token);
    expect(read.data!.node.filter).toEqual({ 'data.currency': 'GBP' });
  });
});
