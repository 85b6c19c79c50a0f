// De-risks tenant isolation: for every field that takes an id, an id of another organization
// answers exactly as an id that does not exist (same typename, same message), and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, DELETE_ENDPOINT, NODE, ROTATE_SECRET, TOGGLE_ENDPOINT, UPDATE_ENDPOINT } from '../support/operations.ts';

let herald: TestHerald;
let alice: { key: string; globalId: string };
let bob: { key: string; globalId: string };
let aliceEndpoint: string;
const missingEndpoint = 'ep_0190000000007000800000000000dead';

beforeAll(async () => {
  herald = await startTestHerald();
  alice = await herald.organization('alice');
  bob = await herald.organization('bob');
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: 'https://alice.example/hook', eventTypes: ['*'] } }, alice.key);
  aliceEndpoint = created.data!.createEndpoint.endpoint.id;
});
afterAll(() => herald.close());

const mutations: Array<[string, string, (id: string) => Record<string, unknown>]> = [
  ['updateEndpoint', UPDATE_ENDPOINT, (id) => ({ id, name: 'hijacked' })],
  ['rotateEndpointSecret', ROTATE_SECRET, (id) => ({ id })],
  ['toggleEndpoint', TOGGLE_ENDPOINT, (id) => ({ id, active: false })],
  ['deleteEndpoint', DELETE_ENDPOINT, (id) => ({ id })],
  [
    'testEndpoint',
    'mutation($input: TestEndpointInput!) { testEndpoint(input: $input) { __typename ... on Error { message } } }',
    (id) => ({ id }),
  ],
  [
    'replayDeliveries',
    'mutation($input: ReplayDeliveriesInput!) { replayDeliveries(input: $input) { __typename ... on Error { message } } }',
    (id) => ({ endpointId: id, since: '2020-01-01T00:00:00Z' }),
  ],
];

describe('cross-organization ids', () => {
  it.each(mutations)('%s with another organization’s id answers like a missing id', async (field, document, input) => {
    const foreign = await herald.graphql(document, { input: input(aliceEndpoint) }, bob.key);
    const missing = await herald.graphql(document, { input: input(missingEndpoint) }, bob.key);
    const malformed = await herald.graphql(document, { input: input('not-an-id') }, bob.key);
    expect(foreign.data?.[field]).toEqual({ __typename: 'NotFoundError', message: 'Endpoint not found' });
    expect(foreign).toEqual(missing);
    expect(malformed).toEqual(missing);
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(aliceEndpoint, 'Endpoint')! } });
    expect(row).toMatchObject({ name: 'alice.example', active: true, previousSecretSealed: null });
    expect(await herald.db.delivery.count({ where: { isTest: true } })).toBe(0);
  });

  it('node() answers null for another organization’s endpoint, organization, or a malformed id', async () => {
    for (const id of [aliceEndpoint, alice.globalId, missingEndpoint, 'garbage', 'ep_xyz', '']) {
      const response = await herald.graphql(NODE, { id }, bob.key);
      expect(response.errors).toBeUndefined();
      expect(response.data?.node).toBeNull();
    }
    expect((await herald.graphql(NODE, { id: aliceEndpoint }, alice.key)).data?.node).toMatchObject({
      __typename: 'Endpoint',
      url: 'https://alice.example/hook',
    });
    expect((await herald.graphql(NODE, { id: bob.globalId }, bob.key)).data?.node).toMatchObject({ slug: 'bob' });
  });

  it('answers retryDelivery and delivery filters for another organization’s delivery like a missing one', async () => {
    const retry = 'mutation($input: RetryDeliveryInput!) { retryDelivery(input: $input) { __typename ... on Error { message } } }';
    const { eventId, deliveryIds } = await publishEvent(withKey(herald, alice.key), { type: 'webhook.test', payload: {} });
    const foreign = await herald.graphql(retry, { input: { id: deliveryIds[0] } }, bob.key);
    const missing = await herald.graphql(retry, { input: { id: 'dlv_0190000000007000800000000000dead' } }, bob.key);
    expect(foreign.data?.retryDelivery).toEqual({ __typename: 'NotFoundError', message: 'Delivery not found' });
    expect(foreign).toEqual(missing);
    for (const id of [eventId, deliveryIds[0]]) {
      expect((await herald.graphql(NODE, { id }, bob.key)).data?.node).toBeNull();
    }
    const filtered = await herald.graphql('query($e: ID!) { deliveries(filter: { eventId: $e }) { edges { node { id } } } }', { e: eventId }, bob.key);
    expect(filtered.data?.deliveries.edges).toEqual([]);
    const events = await herald.graphql('{ events { edges { node { id } } } }', {}, bob.key);
    expect(events.data?.events.edges).toEqual([]);
  });

  it('lists only the caller’s endpoints', async () => {
    const list = await herald.graphql('{ endpoints { edges { node { id } } } }', {}, bob.key);
    expect(list.data?.endpoints.edges).toEqual([]);
  });
});

describe('cursors', () => {
  const cursorOf = (id: string | undefined) => Buffer.from(`GPC:S:${id}`).toString('base64');
  const lists = ['endpoints', 'deliveries', 'events'] as const;

  it.each(lists)('%s: a cursor of another organization’s row answers like a missing or forged one, and pages nothing', async (list) => {
    await herald.graphql(
      'mutation { publishEvent(input: { type: "webhook.test", payload: {} }) { __typename } }',
      {},
      alice.key,
    );
    const page = (key: string, cursor: string | null, direction: 'after' | 'before' = 'after') =>
      herald.graphql(`query($c: String) { ${list}(${direction}: $c, first: 5) { edges { node { id } cursor } } }`, { c: cursor }, key);
    const own = await page(alice.key, null);
    const aliceCursor = own.data?.[list].edges[0]?.cursor as string;
    expect(aliceCursor, 'alice has a row to page from').toBeTruthy();
    expect((await page(alice.key, aliceCursor)).errors).toBeUndefined();

    const foreign = await page(bob.key, aliceCursor);
    const missing = await page(bob.key, cursorOf('01900000-0000-7000-8000-00000000dead'));
    const forged = [cursorOf('garbage'), 'R1BDOlM6Z2FyYmFnZQ==', 'not base64!', cursorOf(`${idOfType(aliceEndpoint, 'Endpoint')}' OR 1=1`), 'R1BDOk46MQ=='];
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(foreign.data ?? null).toBeNull();
    expect(foreign).toEqual(missing);
    expect(await page(bob.key, aliceCursor, 'before')).toEqual(await page(bob.key, cursorOf('01900000-0000-7000-8000-00000000dead'), 'before'));
    for (const cursor of forged) {
      const answer = await page(bob.key, cursor);
      expect(answer.status, cursor).toBe(200);
      expect(answer.errors?.[0]?.extensions?.code, JSON.stringify(answer)).toBe('BAD_USER_INPUT');
    }
  });
});
