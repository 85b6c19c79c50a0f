// De-risks `deliveries(filter: { eventType })`: the API, not the page, narrows the log to one event
// type, combined with the other filters and across pages, and never reaches another organization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';

const LIST = `query($first: Int, $after: String, $filter: DeliveryFilter) {
  deliveries(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id event { type } endpoint { id } } }
    pageInfo { hasNextPage }
  }
}`;

type Edge = { cursor: string; node: { id: string; event: { type: string }; endpoint: { id: string } } };

let herald: TestHerald;
let acme: { key: string };
let other: { key: string };
const endpoints: string[] = [];
const ordersOf: Record<string, string[]> = {};

async function list(key: string, filter: Record<string, unknown>, first = 50, after: string | null = null) {
  const response = await herald.graphql(LIST, { first, after, filter }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.deliveries as { edges: Edge[]; pageInfo: { hasNextPage: boolean } };
}

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.db.eventType.createMany({ data: [{ name: 'order.created' }, { name: 'invoice.paid' }] });
  acme = await herald.organization('acme');
  other = await herald.organization('other');
  for (const url of ['https://one.example/hook', 'https://two.example/hook']) {
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url, eventTypes: ['*'] } }, acme.key);
    endpoints.push(created.data!.createEndpoint.endpoint.id);
  }
  await herald.graphql(CREATE_ENDPOINT, { input: { url: 'https://other.example/hook', eventTypes: ['*'] } }, other.key);
  for (const type of ['order.created', 'invoice.paid', 'order.created', 'invoice.paid', 'order.created']) {
    const published = await publishEvent(withKey(herald, acme.key), { type, payload: {} });
    (ordersOf[type] ??= []).push(...published.deliveryIds);
  }
  await publishEvent(withKey(herald, other.key), { type: 'order.created', payload: {} });
});
afterAll(() => herald.close());

describe('deliveries(filter: { eventType })', () => {
  it('lists only deliveries of that type, newest first, and only the organization’s own', async () => {
    const page = await list(acme.key, { eventType: 'order.created' });
    expect(page.edges.map((edge) => edge.node.event.type)).toEqual(Array(6).fill('order.created'));
    expect(new Set(page.edges.map((edge) => edge.node.id))).toEqual(new Set(ordersOf['order.created']));
    const ids = page.edges.map((edge) => edge.node.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect((await list(other.key, { eventType: 'order.created' })).edges).toHaveLength(1);
  });

  it('combines with endpointId and status, and pages on with the cursor', async () => {
    const byEndpoint = await list(acme.key, { eventType: 'invoice.paid', endpointId: endpoints[1] });
    expect(byEndpoint.edges.map((edge) => [edge.node.event.type, edge.node.endpoint.id])).toEqual([
      ['invoice.paid', endpoints[1]],
      ['invoice.paid', endpoints[1]],
    ]);
    expect((await list(acme.key, { eventType: 'invoice.paid', status: 'SUCCEEDED' })).edges).toEqual([]);

    const first = await list(acme.key, { eventType: 'order.created' }, 4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await list(acme.key, { eventType: 'order.created' }, 4, first.edges.at(-1)!.cursor);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...rest.edges].map((edge) => edge.node.event.type)).toEqual(Array(6).fill('order.created'));
  });

  it('matches nothing for a type with no deliveries, or a wildcard', async () => {
    expect((await list(acme.key, { eventType: 'refund.issued' })).edges).toEqual([]);
    expect((await list(acme.key, { eventType: 'order.*' })).edges).toEqual([]);
  });
});
