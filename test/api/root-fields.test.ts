// De-risks `delivery(id:)`, `endpoint(id:)` and `event(id:)`: the caller's own row is found by its
// global id; a missing id, a malformed one, one of another type and another organization's all
// answer null (no error, nothing revealed); a key without the type's read scope is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';

let herald: TestHerald;
let alice: { key: string };
let bob: { key: string };
let publishOnly: { key: string };
const ids: Record<'delivery' | 'endpoint' | 'event', string> = { delivery: '', endpoint: '', event: '' };

beforeAll(async () => {
  herald = await startTestHerald();
  alice = await herald.organization('alice-root');
  bob = await herald.organization('bob-root');
  publishOnly = await herald.organization('carol-root', ['events:publish']);
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: 'https://alice.example/hook', eventTypes: ['*'] } }, alice.key);
  ids.endpoint = created.data!.createEndpoint.endpoint.id;
  const published = await publishEvent(withKey(herald, alice.key), { type: 'webhook.test', payload: { n: 1 } });
  ids.event = published.eventId;
  ids.delivery = published.deliveryIds[0]!;
});
afterAll(() => herald.close());

const fields = [
  ['delivery', 'query($id: ID!) { delivery(id: $id) { id status endpoint { id } event { id } attempts { number } } }', 'dlv_0190000000007000800000000000dead'],
  ['endpoint', 'query($id: ID!) { endpoint(id: $id) { id url } }', 'ep_0190000000007000800000000000dead'],
  ['event', 'query($id: ID!) { event(id: $id) { id type } }', 'evt_0190000000007000800000000000dead'],
] as const;

describe('root fields by id', () => {
  it.each(fields)('%s(id:) finds the caller’s own row', async (field, document) => {
    const response = await herald.graphql(document, { id: ids[field] }, alice.key);
    expect(response.errors).toBeUndefined();
    expect(response.data?.[field]).toMatchObject({ id: ids[field] });
    if (field === 'delivery') expect(response.data?.delivery).toMatchObject({ status: 'PENDING', endpoint: { id: ids.endpoint }, event: { id: ids.event }, attempts: [] });
    if (field === 'endpoint') expect(response.data?.endpoint.url).toBe('https://alice.example/hook');
    if (field === 'event') expect(response.data?.event.type).toBe('webhook.test');
  });

  it.each(fields)('%s(id:) answers null for a missing, malformed or other-type id', async (field, document, missing) => {
    const otherType = field === 'endpoint' ? ids.event : ids.endpoint;
    for (const id of [missing, 'garbage', '', otherType]) {
      const response = await herald.graphql(document, { id }, alice.key);
      expect(response.errors).toBeUndefined();
      expect(response.data?.[field]).toBeNull();
    }
  });

  it.each(fields)('%s(id:) answers another organization’s id exactly as a missing one', async (field, document, missing) => {
    const foreign = await herald.graphql(document, { id: ids[field] }, bob.key);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data?.[field]).toBeNull();
    expect(foreign).toEqual(await herald.graphql(document, { id: missing }, bob.key));
  });

  it.each(fields)('%s(id:) is refused to a key without the read scope, before any lookup', async (field, document, missing) => {
    const found = await herald.graphql(document, { id: ids[field] }, publishOnly.key);
    expect(found.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(found.data?.[field] ?? null).toBeNull();
    const absent = await herald.graphql(document, { id: missing }, publishOnly.key);
    expect(absent.errors?.[0]?.message).toBe(found.errors?.[0]?.message);
  });

  it.each(fields)('%s(id:) asks for a key', async (field, document) => {
    const response = await herald.graphql(document, { id: ids[field] }, null);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
