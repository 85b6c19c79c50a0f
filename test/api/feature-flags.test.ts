// De-risks the integrator's choice of what a customer sees (issue 28, item 1): an event type with a
// feature flag is listed, nameable in an endpoint and testable only by keys and portal sessions that
// hold the flag, and refused to others exactly as an unknown type is; a portal session sees Herald's
// operational types and webhook.test only when minted asking for them, and still tests with
// webhook.test; a session never holds a flag its minting key lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, UPDATE_ENDPOINT } from '../support/operations.ts';

let herald: TestHerald;
let org: { id: string; globalId: string; key: string };
let betaKey: string;

const EVENT_TYPES = 'query { eventTypes { name featureFlag } }';
const MINT = `mutation($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) {
    __typename
    ... on CreatePortalSessionPayload { token session { featureFlags } }
    ... on ValidationError { fields { path message } }
  }
}`;
const CREATE_TYPE = `mutation($input: CreateEventTypeInput!) {
  createEventType(input: $input) { __typename ... on CreateEventTypePayload { eventType { name featureFlag } } ... on ValidationError { fields { path message } } }
}`;
const UPDATE_TYPE = `mutation($input: UpdateEventTypeInput!) {
  updateEventType(input: $input) { __typename ... on UpdateEventTypePayload { eventType { name featureFlag } } }
}`;
const TEST_ENDPOINT = `mutation($input: TestEndpointInput!) {
  testEndpoint(input: $input) { __typename ... on TestEndpointPayload { delivery { id } } ... on ValidationError { fields { path message } } }
}`;

async function names(key: string): Promise<string[]> {
  const response = await herald.graphql(EVENT_TYPES, {}, key);
  expect(response.errors).toBeUndefined();
  return response.data!.eventTypes.map((type: { name: string }) => type.name);
}

async function session(minter: string, input: Record<string, unknown> = {}): Promise<string> {
  const minted = await herald.graphql(MINT, { input }, minter);
  expect(minted.data!.createPortalSession.__typename).toBe('CreatePortalSessionPayload');
  return minted.data!.createPortalSession.token;
}

async function createEndpoint(key: string, eventTypes: string[]) {
  return (await herald.graphql(CREATE_ENDPOINT, { input: { url: 'https://hooks.example.com/h', eventTypes } }, key)).data!.createEndpoint;
}

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true });
  org = await herald.organization('acme');
  betaKey = (await createOrganizationKey(herald.db, { organizationId: org.id, featureFlags: ['beta-invoices'] })).token;
  for (const input of [{ name: 'invoice.paid' }, { name: 'invoice.disputed', featureFlag: 'beta-invoices' }]) {
    expect((await herald.graphql(CREATE_TYPE, { input }, herald.adminKey)).data!.createEventType.__typename).toBe('CreateEventTypePayload');
  }
});
afterAll(() => herald?.close());

describe('feature flags', () => {
  it('lists a flagged type to admin keys and to keys holding the flag, not to others', async () => {
    expect(await names(herald.adminKey)).toContain('invoice.disputed');
    expect(await names(betaKey)).toContain('invoice.disputed');
    expect(await names(org.key)).not.toContain('invoice.disputed');
    expect(await names(org.key)).toContain('invoice.paid');
  });

  it('refuses a flagged type in an endpoint as it refuses an unknown one, to a key without the flag', async () => {
    const refused = await createEndpoint(org.key, ['invoice.disputed']);
    expect(refused.__typename).toBe('ValidationError');
    expect(refused.fields).toEqual([{ path: ['eventTypes', '0'], message: '"invoice.disputed" is not in the event catalog' }]);
    const unknown = await createEndpoint(org.key, ['invoice.nope']);
    expect(unknown.fields[0].message).toBe('"invoice.nope" is not in the event catalog');
    // A prefix that matches only flagged types matches nothing the key sees.
    const prefix = await createEndpoint(org.key, ['invoice.disp*']);
    expect(prefix.__typename).toBe('ValidationError');

    const accepted = await createEndpoint(betaKey, ['invoice.disputed']);
    expect(accepted.__typename).toBe('CreateEndpointPayload');
    const update = await herald.graphql(UPDATE_ENDPOINT, { input: { id: accepted.endpoint.id, eventTypes: ['invoice.paid', 'invoice.disputed'] } }, org.key);
    expect(update.data!.updateEndpoint.__typename).toBe('ValidationError');
  });

  it('tests with a flagged type only with the flag', async () => {
    const endpoint = (await createEndpoint(betaKey, ['invoice.paid'])).endpoint;
    const refused = (await herald.graphql(TEST_ENDPOINT, { input: { id: endpoint.id, eventType: 'invoice.disputed' } }, org.key)).data!.testEndpoint;
    expect(refused).toEqual({ __typename: 'ValidationError', fields: [{ path: ['eventType'], message: '"invoice.disputed" is not in the event catalog' }] });
    const sent = (await herald.graphql(TEST_ENDPOINT, { input: { id: endpoint.id, eventType: 'invoice.disputed' } }, betaKey)).data!.testEndpoint;
    expect(sent.__typename).toBe('TestEndpointPayload');
  });

  it('gives a session only the flags its minting key holds; admin keys give any', async () => {
    const refused = (await herald.graphql(MINT, { input: { featureFlags: ['beta-invoices'] } }, org.key)).data!.createPortalSession;
    expect(refused).toEqual({ __typename: 'ValidationError', fields: [{ path: ['featureFlags'], message: 'this key cannot give feature flags it does not hold: beta-invoices' }] });
    const badName = (await herald.graphql(MINT, { input: { featureFlags: ['no spaces'] } }, betaKey)).data!.createPortalSession;
    expect(badName.__typename).toBe('ValidationError');
    expect(await names(await session(betaKey, { featureFlags: ['beta-invoices'] }))).toContain('invoice.disputed');
    expect(await names(await session(betaKey))).not.toContain('invoice.disputed');
    expect(await names(await session(herald.adminKey, { organizationId: org.globalId, featureFlags: ['beta-invoices'] }))).toContain('invoice.disputed');
  });

  it('shows the type to everyone once its flag is removed', async () => {
    await herald.graphql(CREATE_TYPE, { input: { name: 'invoice.refunded', featureFlag: 'beta-refunds' } }, herald.adminKey);
    expect(await names(org.key)).not.toContain('invoice.refunded');
    const updated = await herald.graphql(UPDATE_TYPE, { input: { name: 'invoice.refunded', featureFlag: null } }, herald.adminKey);
    expect(updated.data!.updateEventType.eventType).toEqual({ name: 'invoice.refunded', featureFlag: null });
    expect(await names(org.key)).toContain('invoice.refunded');
  });

  it('refuses a malformed flag on an event type', async () => {
    const refused = (await herald.graphql(CREATE_TYPE, { input: { name: 'invoice.odd', featureFlag: 'has space' } }, herald.adminKey)).data!.createEventType;
    expect(refused.__typename).toBe('ValidationError');
    expect(refused.fields[0].path).toEqual(['featureFlag']);
  });
});

describe("Herald's own types in a portal session", () => {
  it('are left out of a session\'s catalog by default, and refused in its endpoints', async () => {
    const token = await session(org.key);
    const seen = await names(token);
    expect(seen).toContain('invoice.paid');
    expect(seen.filter((name) => name.startsWith('herald.') || name === 'webhook.test')).toEqual([]);
    const refused = await createEndpoint(token, ['herald.endpoint.disabled']);
    expect(refused.fields).toEqual([{ path: ['eventTypes', '0'], message: '"herald.endpoint.disabled" is not in the event catalog' }]);
    // The organization's own servers see them: they may subscribe to their endpoints' state.
    expect(await names(org.key)).toEqual(expect.arrayContaining(['herald.endpoint.disabled', 'webhook.test']));
  });

  it('are shown when the session asks for them', async () => {
    const token = await session(org.key, { includeOperationalEventTypes: true });
    expect(await names(token)).toEqual(expect.arrayContaining(['herald.endpoint.disabled', 'herald.delivery.failing', 'webhook.test']));
    expect((await createEndpoint(token, ['herald.endpoint.disabled'])).__typename).toBe('CreateEndpointPayload');
  });

  it('still lets a session send the test webhook', async () => {
    const endpoint = (await createEndpoint(org.key, ['invoice.paid'])).endpoint;
    const token = await session(org.key);
    const sent = (await herald.graphql(TEST_ENDPOINT, { input: { id: endpoint.id } }, token)).data!.testEndpoint;
    expect(sent.__typename).toBe('TestEndpointPayload');
  });
});
