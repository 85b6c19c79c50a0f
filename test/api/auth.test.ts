// De-risks authentication and authorization: who may call what, and the top-level error codes a
// client sees (UNAUTHENTICATED, FORBIDDEN) for missing, unknown, revoked and under-scoped keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const VIEWER = '{ viewer { slug } }';
const CREATE_ORG = 'mutation($slug: String!) { createOrganization(input: { slug: $slug }) { __typename ... on CreateOrganizationPayload { organization { slug } } } }';

function codes(response: { errors?: Array<{ extensions?: { code?: string } }> }) {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

describe('authentication', () => {
  it('refuses a request without a key with UNAUTHENTICATED', async () => {
    const response = await herald.graphql(VIEWER);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data?.viewer ?? null).toBeNull();
  });

  it('refuses an unknown key and a malformed Authorization header', async () => {
    expect(codes(await herald.graphql(VIEWER, {}, 'hrld_org_notakey'))).toEqual(['UNAUTHENTICATED']);
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(codes((await response.json()) as never)).toEqual(['UNAUTHENTICATED']);
  });

  it('stops accepting a key once it is revoked', async () => {
    const org = await herald.organization('revoked-co');
    expect((await herald.graphql(VIEWER, {}, org.key)).data?.viewer).toEqual({ slug: 'revoked-co' });
    const key = await herald.db.apiKey.findFirstOrThrow({ where: { organizationId: org.id } });
    const revoke = await herald.graphql(
      'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename ... on RevokeApiKeyPayload { apiKey { revokedAt } } } }',
      { id: `key_${key.id.replaceAll('-', '')}` },
      herald.adminKey,
    );
    expect(revoke.data?.revokeApiKey.apiKey.revokedAt).toBeTruthy();
    expect(codes(await herald.graphql(VIEWER, {}, org.key))).toEqual(['UNAUTHENTICATED']);
  });

  it('stores only the SHA-256 of a key, never the key', async () => {
    const org = await herald.organization('hash-co');
    const rows = await herald.db.$queryRaw<Array<{ row: string }>>`SELECT row_to_json(k)::text AS row FROM api_keys k`;
    expect(rows.some((r) => r.row.includes(org.key))).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('lets introspection through without a key, so GraphiQL can show the docs', async () => {
    const response = await herald.graphql('{ __schema { queryType { name } } }');
    expect(response.data?.__schema.queryType.name).toBe('Query');
  });
});

describe('authorization', () => {
  it('answers FORBIDDEN when an organization key lacks the scope', async () => {
    const org = await herald.organization('readonly-co', ['endpoints:read']);
    expect((await herald.graphql('{ endpoints { edges { node { id } } } }', {}, org.key)).errors).toBeUndefined();
    const create = await herald.graphql(
      'mutation { createEndpoint(input: { url: "https://example.com/hook", eventTypes: ["*"] }) { __typename } }',
      {},
      org.key,
    );
    expect(codes(create)).toEqual(['FORBIDDEN']);
    expect(await herald.db.endpoint.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it('keeps admin mutations for admin keys', async () => {
    const org = await herald.organization('not-admin-co');
    expect(codes(await herald.graphql(CREATE_ORG, { slug: 'sneaky' }, org.key))).toEqual(['FORBIDDEN']);
    expect(await herald.db.organization.count({ where: { slug: 'sneaky' } })).toBe(0);
    const ok = await herald.graphql(CREATE_ORG, { slug: 'by-admin' }, herald.adminKey);
    expect(ok.data?.createOrganization).toEqual({ __typename: 'CreateOrganizationPayload', organization: { slug: 'by-admin' } });
  });

  it('keeps organization fields to the key\'s organization: an admin key sees the operator organization\'s alone', async () => {
    const org = await herald.organization('not-the-operator');
    await herald.db.endpoint.create({ data: { organizationId: org.id, name: 'theirs', url: 'https://example.com/h', eventTypes: ['*'], projects: [], secretSealed: 'x' } });
    const seen = await herald.graphql('{ endpoints { edges { node { id } } } events { edges { node { id } } } deliveries { edges { node { id } } } }', {}, herald.adminKey);
    expect(seen.errors).toBeUndefined();
    expect(seen.data).toEqual({ endpoints: { edges: [] }, events: { edges: [] }, deliveries: { edges: [] } });
    expect((await herald.graphql(VIEWER, {}, herald.adminKey)).data?.viewer).toBeNull();
  });

  it('lets both kinds read the event catalog', async () => {
    const org = await herald.organization('catalog-reader');
    for (const key of [org.key, herald.adminKey]) {
      const response = await herald.graphql('{ eventTypes { name } }', {}, key);
      expect(response.data?.eventTypes).toContainEqual({ name: 'webhook.test' });
    }
  });
});
