// De-risks endpoint management through the public API: every SPEC validation rule, secrets shown
// once and stored sealed, rotation, toggle, delete and paging — against a real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecret } from '../../src/endpoints/secret-box.ts';
import { idOfType } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import {
  CREATE_ENDPOINT,
  DELETE_ENDPOINT,
  ENDPOINT_FIELDS,
  ENDPOINTS,
  ROTATE_SECRET,
  TOGGLE_ENDPOINT,
  UPDATE_ENDPOINT,
} from '../support/operations.ts';

let herald: TestHerald;
let key: string;
let organizationId: string;

beforeAll(async () => {
  herald = await startTestHerald({ maxEndpointsPerOrg: 5 });
  for (const name of ['conversation.created', 'conversation.closed', 'invoice.paid']) {
    await herald.db.eventType.create({ data: { name } });
  }
  const org = await herald.organization('endpoints-co');
  key = org.key;
  organizationId = org.id;
});
afterAll(() => herald.close());

async function create(input: Record<string, unknown>, bearer = key) {
  const response = await herald.graphql(CREATE_ENDPOINT, { input: { eventTypes: ['*'], ...input } }, bearer);
  expect(response.errors).toBeUndefined();
  return response.data!.createEndpoint;
}

async function removeAll() {
  await herald.db.endpoint.deleteMany({ where: { organizationId } });
}

describe('createEndpoint', () => {
  it('creates an endpoint and returns its secret once', async () => {
    await removeAll();
    const result = await create({
      url: 'https://example.com/webhooks',
      name: 'Production',
      eventTypes: ['conversation.*', 'invoice.paid'],
      projects: ['acme'],
      headers: [{ name: 'X-Team', value: 'billing' }],
      signatureScheme: 'HMAC_SHA256_TIMESTAMPED',
    });
    expect(result.__typename).toBe('CreateEndpointPayload');
    expect(result.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(result.endpoint).toMatchObject({
      name: 'Production',
      url: 'https://example.com/webhooks',
      eventTypes: ['conversation.*', 'invoice.paid'],
      projects: ['acme'],
      headers: [{ name: 'X-Team', value: 'billing' }],
      signatureScheme: 'HMAC_SHA256_TIMESTAMPED',
      active: true,
      disabledReason: null,
      consecutiveFailures: 0,
      verifiedAt: null,
    });
    expect(result.endpoint.id).toMatch(/^ep_[0-9a-f]{32}$/);
  });

  it('stores the secret sealed with the endpoint id as associated data, and never returns it again', async () => {
    const result = await create({ url: 'https://example.com/sealed' });
    const id = idOfType(result.endpoint.id, 'Endpoint')!;
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id } });
    expect(row.secretSealed).not.toContain(result.secret.slice(6));
    expect(row.secretSealed).toMatch(/^v1\./);
    expect(openSecret(row.secretSealed, herald.services.encryptionKeys, id)).toBe(result.secret);
    const schemaText = JSON.stringify((await herald.graphql('{ __type(name: "Endpoint") { fields { name } } }')).data);
    expect(schemaText).not.toMatch(/secret"/i);
    const again = await herald.graphql(`query($id: ID!) { node(id: $id) { ... on Endpoint { ${ENDPOINT_FIELDS} } } }`, { id: result.endpoint.id }, key);
    expect(JSON.stringify(again.data)).not.toContain(result.secret);
  });

  it('accepts a bring-your-own secret and refuses a malformed one', async () => {
    const own = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await create({ url: 'https://example.com/own', secret: own })).secret).toBe(own);
    const bad = await create({ url: 'https://example.com/own2', secret: 'hunter2' });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fields.map((f: { path: string[] }) => f.path)).toContainEqual(['secret']);
  });

  it.each([
    ['a plain-http URL', { url: 'http://example.com/hook' }, ['url']],
    ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2040)}` }, ['url']],
    ['a relative URL', { url: '/hook' }, ['url']],
    ['a loopback address', { url: 'https://127.0.0.1/hook' }, ['url']],
    ['localhost', { url: 'https://localhost:8443/hook' }, ['url']],
    ['a private address', { url: 'https://10.0.0.5/hook' }, ['url']],
    ['the cloud metadata address', { url: 'https://169.254.169.254/latest' }, ['url']],
    ['an IPv4-mapped IPv6 loopback', { url: 'https://[::ffff:127.0.0.1]/hook' }, ['url']],
    ['credentials in the URL', { url: 'https://user:pass@example.com/hook' }, ['url']],
    ['a name over 255 characters', { url: 'https://example.com/n', name: 'n'.repeat(256) }, ['name']],
    ['no event types', { url: 'https://example.com/e', eventTypes: [] }, ['eventTypes']],
    ['an event type not in the catalog', { url: 'https://example.com/e', eventTypes: ['nope.created'] }, ['eventTypes', '0']],
    ['a wildcard matching nothing', { url: 'https://example.com/e', eventTypes: ['nothing.*'] }, ['eventTypes', '0']],
    ['a malformed pattern', { url: 'https://example.com/e', eventTypes: ['conv*'] }, ['eventTypes', '0']],
    ['a header with CR/LF', { url: 'https://example.com/h', headers: [{ name: 'X-A', value: 'a\r\nInjected: 1' }] }, ['headers', '0', 'value']],
    ['a header value over 4096', { url: 'https://example.com/h', headers: [{ name: 'X-A', value: 'v'.repeat(4097) }] }, ['headers', '0', 'value']],
    ['a header name that is not a token', { url: 'https://example.com/h', headers: [{ name: 'X A', value: 'v' }] }, ['headers', '0', 'name']],
    ['a reserved header', { url: 'https://example.com/h', headers: [{ name: 'webhook-signature', value: 'v' }] }, ['headers', '0', 'name']],
    ['the signature header', { url: 'https://example.com/h', headers: [{ name: 'x-herald-signature', value: 'v' }] }, ['headers', '0', 'name']],
    ['Content-Type', { url: 'https://example.com/h', headers: [{ name: 'Content-Type', value: 'v' }] }, ['headers', '0', 'name']],
    [
      'more than 50 headers',
      { url: 'https://example.com/h', headers: Array.from({ length: 51 }, (_, i) => ({ name: `X-H${i}`, value: 'v' })) },
      ['headers'],
    ],
  ])('refuses %s with a ValidationError and writes nothing', async (_label, input, path) => {
    const before = await herald.db.endpoint.count();
    const result = await create(input);
    expect(result.__typename).toBe('ValidationError');
    expect(result.message).toBeTruthy();
    expect(result.fields.map((f: { path: string[] }) => f.path)).toContainEqual(path);
    expect(await herald.db.endpoint.count()).toBe(before);
  });

  it('reports every problem at once', async () => {
    const result = await create({ url: 'ftp://example.com', name: '', eventTypes: ['nope'] });
    expect(result.fields.length).toBeGreaterThanOrEqual(2);
  });

  it('enforces HERALD_MAX_ENDPOINTS_PER_ORG, even under concurrent creation', async () => {
    await removeAll();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create({ url: `https://example.com/limit/${i}` })),
    );
    const created = results.filter((r) => r.__typename === 'CreateEndpointPayload');
    const refused = results.filter((r) => r.__typename === 'LimitExceededError');
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(3);
    expect(refused[0].limit).toBe(5);
    expect(await herald.db.endpoint.count({ where: { organizationId } })).toBe(5);
    await removeAll();
  });
});

describe('updateEndpoint', () => {
  it('changes only the fields given, validates them, and resets verification when the URL changes', async () => {
    const { endpoint } = await create({ url: 'https://example.com/u', name: 'Before', projects: ['a'] });
    await herald.db.endpoint.update({ where: { id: idOfType(endpoint.id, 'Endpoint')! }, data: { verifiedAt: new Date() } });
    const renamed = await herald.graphql(UPDATE_ENDPOINT, { input: { id: endpoint.id, name: 'After' } }, key);
    expect(renamed.data?.updateEndpoint.endpoint).toMatchObject({ name: 'After', url: 'https://example.com/u', projects: ['a'] });
    expect(renamed.data?.updateEndpoint.endpoint.verifiedAt).not.toBeNull();
    const moved = await herald.graphql(UPDATE_ENDPOINT, { input: { id: endpoint.id, url: 'https://example.org/u' } }, key);
    expect(moved.data?.updateEndpoint.endpoint).toMatchObject({ url: 'https://example.org/u', verifiedAt: null });
    const bad = await herald.graphql(UPDATE_ENDPOINT, { input: { id: endpoint.id, url: 'http://example.org', eventTypes: ['zzz'] } }, key);
    expect(bad.data?.updateEndpoint.__typename).toBe('ValidationError');
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(endpoint.id, 'Endpoint')! } });
    expect(row.url).toBe('https://example.org/u');
  });
});

describe('rotateEndpointSecret', () => {
  it('issues a new secret, keeping the old one for the grace period', async () => {
    const { endpoint, secret: first } = await create({ url: 'https://example.com/rotate' });
    const id = idOfType(endpoint.id, 'Endpoint')!;
    const rotated = await herald.graphql(ROTATE_SECRET, { input: { id: endpoint.id, gracePeriodSeconds: 3600 } }, key);
    const { secret: second, endpoint: after } = rotated.data!.rotateEndpointSecret;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    const expiresIn = new Date(after.previousSecretExpiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id } });
    expect(openSecret(row.secretSealed, herald.services.encryptionKeys, id)).toBe(second);
    expect(openSecret(row.previousSecretSealed!, herald.services.encryptionKeys, id)).toBe(first);

    const immediate = await herald.graphql(ROTATE_SECRET, { input: { id: endpoint.id } }, key);
    expect(immediate.data?.rotateEndpointSecret.endpoint.previousSecretExpiresAt).toBeNull();
    const row2 = await herald.db.endpoint.findUniqueOrThrow({ where: { id } });
    expect(row2.previousSecretSealed).toBeNull();
  });

  it('refuses a grace period outside 0..7 days', async () => {
    const { endpoint } = await create({ url: 'https://example.com/rotate2' });
    for (const grace of [-1, 7 * 24 * 3600 + 1]) {
      const result = await herald.graphql(ROTATE_SECRET, { input: { id: endpoint.id, gracePeriodSeconds: grace } }, key);
      expect(result.data?.rotateEndpointSecret.__typename).toBe('ValidationError');
    }
  });
});

describe('toggleEndpoint', () => {
  it('turns an endpoint off (cancelling its pending retries) and on again (resetting failures)', async () => {
    const { endpoint } = await create({ url: 'https://example.com/toggle' });
    const id = idOfType(endpoint.id, 'Endpoint')!;
    const event = await herald.db.event.create({ data: { organizationId, type: 'invoice.paid', payload: {} } });
    const pending = await herald.db.delivery.create({ data: { organizationId, eventId: event.id, endpointId: id, status: 'RETRYING' } });
    await herald.db.endpoint.update({ where: { id }, data: { consecutiveFailures: 4 } });

    const off = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpoint.id, active: false } }, key);
    expect(off.data?.toggleEndpoint.endpoint).toMatchObject({ active: false, disabledReason: 'MANUAL' });
    expect((await herald.db.delivery.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('CANCELLED');

    const on = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpoint.id, active: true } }, key);
    expect(on.data?.toggleEndpoint.endpoint).toMatchObject({ active: true, disabledReason: null, consecutiveFailures: 0 });
  });
});

describe('deleteEndpoint', () => {
  it('deletes the endpoint; a second delete answers NotFoundError', async () => {
    const { endpoint } = await create({ url: 'https://example.com/delete' });
    const first = await herald.graphql(DELETE_ENDPOINT, { input: { id: endpoint.id } }, key);
    expect(first.data?.deleteEndpoint).toEqual({ __typename: 'DeleteEndpointPayload', deletedEndpointId: endpoint.id });
    const second = await herald.graphql(DELETE_ENDPOINT, { input: { id: endpoint.id } }, key);
    expect(second.data?.deleteEndpoint.__typename).toBe('NotFoundError');
  });
});

describe('endpoints connection', () => {
  it('pages newest first with cursors, filters, and caps page size at 100', async () => {
    await removeAll();
    const urls = [];
    for (let i = 0; i < 5; i++) {
      urls.push(`https://example.com/page/${i}`);
      await create({ url: urls[i], projects: i % 2 === 0 ? ['even'] : ['odd'] });
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const response = await herald.graphql(ENDPOINTS, { first: 2, after }, key);
      const connection = response.data!.endpoints;
      seen.push(...connection.edges.map((e: { node: { url: string } }) => e.node.url));
      after = connection.pageInfo.endCursor;
      if (!connection.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual([...urls].reverse());
    const even = await herald.graphql(ENDPOINTS, { filter: { project: 'even' } }, key);
    expect(even.data!.endpoints.edges).toHaveLength(3);
    const tooBig = await herald.graphql(ENDPOINTS, { first: 101 }, key);
    expect(tooBig.errors?.[0]?.message).toBeTruthy();
  });
});
