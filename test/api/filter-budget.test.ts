// De-risks the two budgets of payload filters as a user meets them over the API: a filter costing
// more than FILTER_COST_BUDGET comparisons per payload value is refused by createEndpoint and
// updateEndpoint with a ValidationError on `filter`, and a publish call whose filters would spend
// more than PUBLISH_FILTER_BUDGET answers LimitExceededError with nothing written (no event, no
// idempotency key, no delivery). The cost model itself is test/engine/filter-cost.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_COST_BUDGET, PUBLISH_FILTER_BUDGET } from '../../src/engine/filter-cost.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

const FIELDS = '... on Error { message } ... on ValidationError { fields { path message } }';
const ISSUES = `${FIELDS} ... on LimitExceededError { limit }`;
const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { id filter } } ${ISSUES} }
}`;
const UPDATE_ENDPOINT = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { __typename ... on UpdateEndpointPayload { endpoint { id filter } } ${FIELDS} }
}`;
const PUBLISH_EVENT = `mutation($input: PublishEventInput!) {
  publishEvent(input: $input) { __typename ... on PublishEventPayload { deliveries { id } } ${ISSUES} }
}`;
const PUBLISH_EVENTS = `mutation($input: PublishEventsInput!) {
  publishEvents(input: $input) { __typename ... on PublishEventsPayload { results { deliveries { id } } } ${ISSUES} }
}`;

/** A filter of exactly the budget, and one comparison over it. */
const AT_BUDGET = { 'data.items': { $eq: new Array(FILTER_COST_BUDGET - 1).fill(0) } };
const OVER_BUDGET = { 'data.items': { $eq: new Array(FILTER_COST_BUDGET).fill(0) } };
const COST_MESSAGE = /^costs 257 comparisons per payload value; a filter may cost at most 256 \(docs\/payload-filters\.md, "Cost"/;

/** `{"x":[0,…]}` at the 256 KiB payload limit: 131,055 elements, each one comparison per $in filter. */
const big = () => ({ x: new Array<number>(131_055).fill(0) });
/** Distinct $in filters of 1,900 values (3.8 KB), so no two share a verdict; each costs 1 per value. */
const inFilter = (i: number) => ({ x: { $in: Array.from({ length: 1_900 }, (_, j) => (j === 0 ? 100 + i : j % 10)) } });

let herald: TestHerald;
let org: { id: string; key: string };

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, maxEndpointsPerOrg: 50 });
  await herald.db.eventType.createMany({ data: [{ name: 'costly.event' }, { name: 'cheap.event' }] });
  org = await herald.organization('filter-budget-co');
});
afterAll(() => herald?.close());

async function create(filter: unknown, eventTypes = ['costly.event']) {
  const response = await herald.graphql(CREATE_ENDPOINT, { input: { url: 'http://127.0.0.1:9/hook', eventTypes, filter } }, org.key);
  expect(response.errors).toBeUndefined();
  return response.data!.createEndpoint;
}

describe('at save', () => {
  it(`createEndpoint takes a filter of ${FILTER_COST_BUDGET} comparisons and refuses one of ${FILTER_COST_BUDGET + 1}, writing nothing`, async () => {
    expect(await create(AT_BUDGET, ['cheap.event'])).toMatchObject({ __typename: 'CreateEndpointPayload', endpoint: { filter: AT_BUDGET } });
    const before = await herald.db.endpoint.count();
    expect(await create(OVER_BUDGET, ['cheap.event'])).toEqual({
      __typename: 'ValidationError',
      message: expect.any(String),
      fields: [{ path: ['filter'], message: expect.stringMatching(COST_MESSAGE) }],
    });
    expect(await herald.db.endpoint.count()).toBe(before);
  });

  it('updateEndpoint refuses a filter over the budget and keeps the filter it had', async () => {
    const created = await create({ 'data.status': 'paid' }, ['cheap.event']);
    const response = await herald.graphql(UPDATE_ENDPOINT, { input: { id: created.endpoint.id, filter: OVER_BUDGET } }, org.key);
    expect(response.data!.updateEndpoint).toEqual({
      __typename: 'ValidationError',
      message: expect.any(String),
      fields: [{ path: ['filter'], message: expect.stringMatching(COST_MESSAGE) }],
    });
    const stored = await herald.db.endpoint.findFirstOrThrow({ where: { filter: { equals: { 'data.status': 'paid' } } } });
    expect(stored.filter).toEqual({ 'data.status': 'paid' });
  });
});

describe('at publish', () => {
  beforeAll(async () => {
    // 8 × 131,056 comparisons over one payload at the limit: more than the budget of one call.
    for (let i = 0; i < 8; i++) expect((await create(inFilter(i))).__typename).toBe('CreateEndpointPayload');
  });

  async function nothingWritten(): Promise<void> {
    expect(await herald.db.event.count({ where: { type: 'costly.event' } })).toBe(0);
    expect(await herald.db.delivery.count()).toBe(0);
    expect(await herald.db.eventIdempotencyKey.count()).toBe(0);
  }

  it(`publishEvent answers LimitExceededError (limit ${PUBLISH_FILTER_BUDGET}) and writes nothing`, async () => {
    const started = Date.now();
    const response = await herald.graphql(PUBLISH_EVENT, { input: { type: 'costly.event', payload: big(), idempotencyKey: 'over-1' } }, org.key);
    expect(response.errors).toBeUndefined();
    expect(response.data!.publishEvent).toEqual({
      __typename: 'LimitExceededError',
      limit: PUBLISH_FILTER_BUDGET,
      message: expect.stringMatching(/^Evaluating the endpoints' payload filters for this call would take more than 1000000 comparisons, the budget of one publish call; nothing was published\./),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await nothingWritten();
  });

  it('publishEvents answers LimitExceededError for the whole call and writes none of its events', async () => {
    const events = [{ type: 'cheap.event', payload: { data: { status: 'paid' } } }, { type: 'costly.event', payload: big(), idempotencyKey: 'over-2' }];
    const response = await herald.graphql(PUBLISH_EVENTS, { input: { events } }, org.key);
    expect(response.errors).toBeUndefined();
    expect(response.data!.publishEvents).toMatchObject({ __typename: 'LimitExceededError', limit: PUBLISH_FILTER_BUDGET });
    await nothingWritten();
    // The cheap event of the same call is not written either (the operator's own operational
    // events, such as herald.endpoint.created, are another organization's).
    expect(await herald.db.event.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it('publishes the same payload once the filters fit in the budget', async () => {
    await herald.db.endpoint.updateMany({ where: { eventTypes: { has: 'costly.event' }, filter: { equals: inFilter(7) } }, data: { active: false } });
    const response = await herald.graphql(PUBLISH_EVENT, { input: { type: 'costly.event', payload: big() } }, org.key);
    expect(response.data!.publishEvent).toMatchObject({ __typename: 'PublishEventPayload' });
    expect(response.data!.publishEvent.deliveries).toHaveLength(7);
  });
});
