// De-risks the admin surface: organizations, organization keys with scopes, and the event
// catalog with JSON Schemas — each bad input a typed error that writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const ERRORS = '... on Error { message } ... on ValidationError { fields { path message } }';

describe('createOrganization', () => {
  const CREATE = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { __typename ... on CreateOrganizationPayload { organization { id slug name createdAt } } ${ERRORS} } }`;

  it('creates an organization, refusing bad and duplicate slugs', async () => {
    const ok = await herald.graphql(CREATE, { input: { slug: 'acme', name: 'Acme Inc.' } }, herald.adminKey);
    expect(ok.data?.createOrganization.organization).toMatchObject({ slug: 'acme', name: 'Acme Inc.' });
    expect(ok.data?.createOrganization.organization.id).toMatch(/^org_/);
    const duplicate = await herald.graphql(CREATE, { input: { slug: 'acme' } }, herald.adminKey);
    expect(duplicate.data?.createOrganization).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['slug'] }] });
    const bad = await herald.graphql(CREATE, { input: { slug: 'Not A Slug!' } }, herald.adminKey);
    expect(bad.data?.createOrganization.__typename).toBe('ValidationError');
    // Besides acme, only the operator organization the migration made (docs/operational-events.md).
    expect(await herald.db.organization.count({ where: { slug: { notIn: ['acme', '_operator'] } } })).toBe(0);
  });
});

describe('createApiKey', () => {
  const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeyPayload { key apiKey { id prefix scopes kind revokedAt } } ${ERRORS} } }`;

  it('creates a scoped key that works at once and is shown once', async () => {
    const org = await herald.organization('keys-co');
    const created = await herald.graphql(CREATE, { input: { organizationId: org.globalId, scopes: ['endpoints:read'] } }, herald.adminKey);
    const { key, apiKey } = created.data!.createApiKey;
    expect(apiKey).toMatchObject({ scopes: ['endpoints:read'], kind: 'ORGANIZATION', revokedAt: null });
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect((await herald.graphql('{ viewer { slug } }', {}, key)).data?.viewer).toEqual({ slug: 'keys-co' });
    const read = await herald.graphql(`query($id: ID!) { node(id: $id) { ... on ApiKey { prefix } } }`, { id: apiKey.id }, herald.adminKey);
    expect(JSON.stringify(read)).not.toContain(key);
  });

  it('refuses unknown scopes and unknown organizations', async () => {
    const org = await herald.organization('keys-co-2');
    const before = await herald.db.apiKey.count();
    const badScope = await herald.graphql(CREATE, { input: { organizationId: org.globalId, scopes: ['root'] } }, herald.adminKey);
    expect(badScope.data?.createApiKey).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['scopes'] }] });
    const missing = await herald.graphql(CREATE, { input: { organizationId: 'org_0190000000007000800000000000dead' } }, herald.adminKey);
    expect(missing.data?.createApiKey.__typename).toBe('NotFoundError');
    expect(await herald.db.apiKey.count()).toBe(before);
  });
});

describe('event types', () => {
  const CREATE = `mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { __typename ... on CreateEventTypePayload { eventType { name description schema deprecated } } ${ERRORS} } }`;
  const UPDATE = `mutation($input: UpdateEventTypeInput!) { updateEventType(input: $input) { __typename ... on UpdateEventTypePayload { eventType { name description schema deprecated } } ${ERRORS} } }`;
  const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };

  it('creates, lists and updates event types', async () => {
    const created = await herald.graphql(CREATE, { input: { name: 'order.created', description: 'An order', schema } }, herald.adminKey);
    expect(created.data?.createEventType.eventType).toEqual({ name: 'order.created', description: 'An order', schema, deprecated: false });
    const updated = await herald.graphql(UPDATE, { input: { name: 'order.created', deprecated: true, schema: null } }, herald.adminKey);
    expect(updated.data?.updateEventType.eventType).toMatchObject({ deprecated: true, schema: null, description: 'An order' });
    const list = await herald.graphql('{ eventTypes(includeDeprecated: false) { name } }', {}, herald.adminKey);
    expect(list.data?.eventTypes.filter(({ name }: { name: string }) => !name.startsWith('herald.'))).toEqual([{ name: 'webhook.test' }]);
  });

  it.each([
    ['a bad name', { name: 'has space' }, ['name']],
    ['a wildcard name', { name: 'order.*' }, ['name']],
    ['an invalid JSON Schema', { name: 'bad.schema', schema: { type: 'not-a-type' } }, ['schema']],
    ['a schema that is not an object', { name: 'bad.schema2', schema: 42 }, ['schema']],
    ['a duplicate', { name: 'webhook.test' }, ['name']],
    ['a name of Herald\'s operational events', { name: 'herald.endpoint.muted' }, ['name']],
  ])('refuses %s', async (_label, input, path) => {
    const before = await herald.db.eventType.count();
    const result = await herald.graphql(CREATE, { input }, herald.adminKey);
    expect(result.data?.createEventType).toMatchObject({ __typename: 'ValidationError', fields: [{ path }] });
    expect(await herald.db.eventType.count()).toBe(before);
  });

  it('answers NotFoundError when updating an unknown type', async () => {
    const result = await herald.graphql(UPDATE, { input: { name: 'nope.nope', deprecated: true } }, herald.adminKey);
    expect(result.data?.updateEventType.__typename).toBe('NotFoundError');
  });
});
