// De-risks the endpoint's rate-limit setting through the public API: set on create, changed,
// removed (null) or left alone (absent) on update, shown with its effective burst, and every
// out-of-range value refused with a typed error on its path, writing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
let key: string;
let organizationId: string;

beforeAll(async () => {
  herald = await startTestHerald();
  const org = await herald.organization('limits-co');
  key = org.key;
  organizationId = org.id;
});
afterAll(() => herald.close());

const ANSWER = `__typename ... on ValidationError { fields { path message } } ... on Error { message }`;
const CREATE = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { ${ANSWER} ... on CreateEndpointPayload { endpoint { id name rateLimit { perSecond burst } } } }
}`;
const UPDATE = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { ${ANSWER} ... on UpdateEndpointPayload { endpoint { id name rateLimit { perSecond burst } } } }
}`;

async function create(rateLimit: unknown) {
  const response = await herald.graphql(CREATE, { input: { url: 'https://example.com/hooks', eventTypes: ['*'], rateLimit } }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.createEndpoint;
}

async function update(id: string, input: Record<string, unknown>) {
  const response = await herald.graphql(UPDATE, { input: { id, ...input } }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.updateEndpoint;
}

describe('an endpoint\'s rate limit', () => {
  it('is unlimited unless set; the burst defaults to one second of the limit', async () => {
    expect((await create(undefined)).endpoint.rateLimit).toBeNull();
    expect((await create(null)).endpoint.rateLimit).toBeNull();
    expect((await create({ perSecond: 20 })).endpoint.rateLimit).toEqual({ perSecond: 20, burst: 20 });
    const created = await create({ perSecond: 10_000, burst: 600_000 });
    expect(created.endpoint.rateLimit).toEqual({ perSecond: 10_000, burst: 600_000 });
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(created.endpoint.id, 'Endpoint')! } });
    expect(row).toMatchObject({ rateLimitPerSecond: 10_000, rateLimitBurst: 600_000 });
  });

  it('is changed by update, removed by null and left alone when absent', async () => {
    const { endpoint } = await create({ perSecond: 5, burst: 1 });
    expect((await update(endpoint.id, { name: 'renamed' })).endpoint).toMatchObject({ name: 'renamed', rateLimit: { perSecond: 5, burst: 1 } });
    expect((await update(endpoint.id, { rateLimit: { perSecond: 7 } })).endpoint.rateLimit).toEqual({ perSecond: 7, burst: 7 });
    expect((await update(endpoint.id, { rateLimit: null })).endpoint.rateLimit).toBeNull();
    expect((await update(endpoint.id, { rateLimit: { perSecond: 1, burst: 60 } })).endpoint.rateLimit).toEqual({ perSecond: 1, burst: 60 });
  });

  it.each([
    [{ perSecond: 0 }, ['rateLimit', 'perSecond'], /from 1 to 10000/],
    [{ perSecond: -3 }, ['rateLimit', 'perSecond'], /from 1 to 10000/],
    [{ perSecond: 10_001 }, ['rateLimit', 'perSecond'], /from 1 to 10000/],
    [{ perSecond: 10, burst: 0 }, ['rateLimit', 'burst'], /from 1 to 600 \(60 seconds/],
    [{ perSecond: 10, burst: 601 }, ['rateLimit', 'burst'], /from 1 to 600/],
  ])('refuses %j with a typed error on its path, writing nothing', async (rateLimit, path, message) => {
    const before = await herald.db.endpoint.count({ where: { organizationId } });
    const refused = await create(rateLimit);
    expect(refused.__typename).toBe('ValidationError');
    expect(refused.fields).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(await herald.db.endpoint.count({ where: { organizationId } })).toBe(before);

    const { endpoint } = await create({ perSecond: 3 });
    const refusedUpdate = await update(endpoint.id, { name: 'not saved', rateLimit });
    expect(refusedUpdate.__typename).toBe('ValidationError');
    expect(refusedUpdate.fields).toEqual([{ path, message: expect.stringMatching(message) }]);
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(endpoint.id, 'Endpoint')! } });
    expect(row).toMatchObject({ rateLimitPerSecond: 3, rateLimitBurst: null });
    expect(row.name).not.toBe('not saved');
  });

  it('refuses a limit that is not a whole number at the GraphQL layer (Int)', async () => {
    const before = await herald.db.endpoint.count({ where: { organizationId } });
    const response = await herald.graphql(CREATE, { input: { url: 'https://example.com/hooks', eventTypes: ['*'], rateLimit: { perSecond: 1.5 } } }, key);
    expect(response.errors?.[0]?.message).toMatch(/perSecond.*Int/);
    expect(await herald.db.endpoint.count({ where: { organizationId } })).toBe(before);
  });
});
