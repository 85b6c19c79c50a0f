// Hostile input: fast-check generates thousands of inputs for every mutation — hostile URLs,
// header names and values, unicode, huge and deeply nested JSON, ids of another organization,
// malformed and wrongly typed ids. Every answer is a payload or a typed error (never a 5xx, never
// a masked fault), and every refused input leaves every table exactly as it was.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

const TYPED_ERRORS = ['ValidationError', 'NotFoundError', 'LimitExceededError', 'EndpointVerificationError'];
const RUNS = 250;

let herald: TestHerald;
let mine: { key: string; globalId: string };
let theirs: { key: string; globalId: string };
let myEndpoint: string;
const foreign: string[] = []; // ids of another organization's endpoint, event and delivery

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: false });
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  await herald.db.eventType.create({ data: { name: 'order.paid', schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer' } } } } });
  mine = await herald.organization('hostile-mine');
  theirs = await herald.organization('hostile-theirs');
  myEndpoint = (await mutate('createEndpoint', 'CreateEndpointInput', { url: 'https://example.com/mine', eventTypes: ['*'] }, mine.key)).endpoint.id;
  const theirEndpoint = (await mutate('createEndpoint', 'CreateEndpointInput', { url: 'https://example.com/theirs', eventTypes: ['*'] }, theirs.key)).endpoint.id;
  const published = await mutate('publishEvent', 'PublishEventInput', { type: 'order.created', payload: { n: 1 } }, theirs.key);
  foreign.push(theirEndpoint, published.event.id, published.deliveries[0].id);
});
afterAll(async () => {
  await herald.close();
});

// `any` on purpose: each property reads the answer of a different mutation by name.
async function mutate(field: string, inputType: string, input: unknown, key: string): Promise<Record<string, any>> {
  const response = await call(field, inputType, input, key);
  return response.data![field];
}

async function call(field: string, inputType: string, input: unknown, key: string) {
  const selection = field === 'publishEvent'
    ? '... on PublishEventPayload { event { id } deliveries { id } }'
    : field === 'createEndpoint'
      ? '... on CreateEndpointPayload { endpoint { id } }'
      : '';
  return herald.graphql(`mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ${selection} ... on Error { message } } }`, { input }, key);
}

async function snapshot(): Promise<string> {
  const rows = await herald.db.$queryRawUnsafe<Array<Record<string, bigint>>>(`SELECT
    (SELECT count(*) FROM organizations) AS organizations, (SELECT count(*) FROM api_keys) AS api_keys,
    (SELECT count(*) FROM event_types) AS event_types, (SELECT count(*) FROM endpoints) AS endpoints,
    (SELECT md5(string_agg(e::text, ',' ORDER BY e.id)) FROM endpoints e) AS endpoint_rows,
    (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM deliveries) AS deliveries,
    (SELECT md5(string_agg(d::text, ',' ORDER BY d.id)) FROM deliveries d) AS delivery_rows,
    (SELECT count(*) FROM attempts) AS attempts, (SELECT count(*) FROM pgboss.job) AS jobs`);
  return JSON.stringify(rows[0], (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));
}

/** Runs one mutation and checks the contract: no 5xx, no masked fault, payload or typed error, and no write when refused. */
async function expectContract(field: string, inputType: string, input: unknown, key = mine.key, payload = `${field.charAt(0).toUpperCase()}${field.slice(1)}Payload`) {
  const before = await snapshot();
  const response = await call(field, inputType, input, key);
  expect(response.status).toBeLessThan(500);
  for (const error of response.errors ?? []) {
    // The only top-level errors allowed are about the input as a whole: a variable that does not
    // coerce to its type (graphql-js's own message), or BAD_USER_INPUT (a NUL character, a scalar).
    expect(error.message).not.toBe('Unexpected error.');
    if (!error.message.startsWith('Variable "$input" got invalid value')) expect(error.extensions?.code, error.message).toBe('BAD_USER_INPUT');
  }
  const typename = response.data?.[field]?.__typename as string | undefined;
  if (response.errors?.length) expect(typename).toBeUndefined();
  else expect([payload, ...TYPED_ERRORS]).toContain(typename);
  if (typename !== payload) expect(await snapshot()).toBe(before);
  return typename === payload ? (response.data![field] as Record<string, any>) : null;
}

// ---- arbitraries -------------------------------------------------------------------------------

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', '\u0000', 'a\r\nX-Injected: 1', '\u202Eevil', '😀'.repeat(200), 'x'.repeat(5_000), '../../etc/passwd', '<script>'),
);
const hostileUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'http://example.com/not-https', 'javascript:alert(1)', 'https://169.254.169.254/latest/meta-data', 'https://[::ffff:127.0.0.1]/',
    'https://localhost/', 'https://10.0.0.1/', 'https://100.64.0.1/', 'https://[fe80::1]/', `https://example.com/${'a'.repeat(3_000)}`,
    'https://exa mple.com/', 'https://example.com/\r\nHost: evil', 'ftp://example.com/', 'https://user:pass@example.com/', '',
  ),
  hostileString,
);
const headerName = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('Host', 'Content-Length', 'webhook-signature', 'X-Ok', 'a'.repeat(300), 'Bad Name', 'x\r\ny'));
const headers = fc.array(fc.record({ name: headerName, value: hostileString }), { maxLength: 60 });
const eventTypeNames = fc.array(fc.oneof(fc.constantFrom('*', 'order.*', 'order.created', 'nope', 'order.', '**', ''), hostileString), { maxLength: 5 });
const deepJson = fc.integer({ min: 1, max: 300 }).map((depth) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { nested: value };
  return value;
});
// Own "__proto__" keys (JSON.parse makes them; an object literal would set the prototype): fast-check
// found one once by chance, so they are always offered now.
const protoKeyed = fc.constantFrom(JSON.parse('{"__proto__": null}'), JSON.parse('{"a": [{"__proto__": {"polluted": true}}]}'));
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  protoKeyed,
  deepJson,
  fc.constant({ big: 'x'.repeat(300 * 1024) }),
  fc.constantFrom(null, [], 'a string', 42, { amount: 'not an integer' }, { amount: 5 }),
);
const anyId = fc.oneof(
  fc.constantFrom(...['ep_', 'evt_', 'dlv_', 'key_', 'org_'].map((prefix) => `${prefix}0190a3b2c4d57e8f9a0b1c2d3e4f5a6b`)),
  fc.constantFrom('', 'ep_', 'ep_zz', 'x'.repeat(10_000), '🙂'),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.integer({ min: 0, max: 2 }).map((i) => `FOREIGN:${i}`),
).map((id) => (id.startsWith('FOREIGN:') ? foreign[Number(id.slice(8))]! : id));

// ---- properties ----------------------------------------------------------------------------------

it('createEndpoint and updateEndpoint answer every hostile input with a payload or a typed error', async () => {
  await fc.assert(fc.asyncProperty(
    fc.record({ url: hostileUrl, eventTypes: eventTypeNames, headers, name: fc.option(hostileString), description: fc.option(hostileString), projects: fc.option(fc.array(hostileString, { maxLength: 5 })) }, { requiredKeys: ['url', 'eventTypes'] }),
    async (input) => {
      const created = await expectContract('createEndpoint', 'CreateEndpointInput', input);
      if (created) await mutate('deleteEndpoint', 'DeleteEndpointInput', { id: created.endpoint.id }, mine.key);
    },
  ), { numRuns: RUNS });
  await fc.assert(fc.asyncProperty(
    fc.record({ id: fc.oneof(fc.constant(myEndpoint), anyId), url: hostileUrl, eventTypes: eventTypeNames, headers, name: hostileString }, { requiredKeys: ['id'] }),
    async (input) => {
      await expectContract('updateEndpoint', 'UpdateEndpointInput', input);
    },
  ), { numRuns: RUNS });
});

it('publishEvent and publishEvents refuse what they must and write nothing when they do', async () => {
  const types = fc.oneof(fc.constantFrom('order.created', 'order.paid', 'webhook.test', 'unknown.type'), hostileString);
  const event = fc.record({ type: types, payload, project: fc.option(hostileString), idempotencyKey: fc.option(hostileString) }, { requiredKeys: ['type', 'payload'] });
  await fc.assert(fc.asyncProperty(event, async (input) => {
    await expectContract('publishEvent', 'PublishEventInput', input);
  }), { numRuns: RUNS });
  await fc.assert(fc.asyncProperty(fc.array(event, { maxLength: 120 }), async (events) => {
    await expectContract('publishEvents', 'PublishEventsInput', { events });
  }), { numRuns: 60 });
});

it('id-taking mutations never reach another organization and refuse malformed ids cleanly', async () => {
  const cases: Array<[field: string, inputType: string, input: fc.Arbitrary<unknown>]> = [
    ['rotateEndpointSecret', 'RotateEndpointSecretInput', fc.record({ id: anyId, gracePeriodSeconds: fc.option(fc.integer({ min: -10, max: 10_000_000 })), secret: fc.option(hostileString) }, { requiredKeys: ['id'] })],
    ['toggleEndpoint', 'ToggleEndpointInput', fc.record({ id: anyId, active: fc.boolean() })],
    ['testEndpoint', 'TestEndpointInput', fc.record({ id: anyId, eventType: fc.option(hostileString) }, { requiredKeys: ['id'] })],
    ['deleteEndpoint', 'DeleteEndpointInput', fc.record({ id: anyId })],
    ['retryDelivery', 'RetryDeliveryInput', fc.record({ id: anyId })],
    ['replayDeliveries', 'ReplayDeliveriesInput', fc.record({ endpointId: anyId, since: fc.constantFrom('2026-01-01T00:00:00.000Z', 'yesterday', ''), statuses: fc.option(fc.array(fc.constantFrom('FAILED', 'SUCCEEDED', 'PENDING'))) }, { requiredKeys: ['endpointId', 'since'] })],
  ];
  for (const [field, inputType, input] of cases) {
    await fc.assert(fc.asyncProperty(input, async (value) => {
      const theirsBefore = JSON.stringify(await herald.db.endpoint.findMany({ where: { organization: { slug: 'hostile-theirs' } }, orderBy: { id: 'asc' } }));
      const result = await expectContract(field, inputType, value);
      if (result && field === 'deleteEndpoint') throw new Error(`deleted ${JSON.stringify(value)}`); // only malformed or foreign ids are generated
      expect(JSON.stringify(await herald.db.endpoint.findMany({ where: { organization: { slug: 'hostile-theirs' } }, orderBy: { id: 'asc' } }))).toBe(theirsBefore);
    }), { numRuns: 120 });
  }
});

it('admin mutations answer hostile input with a payload or a typed error', async () => {
  const admin = herald.adminKey;
  await fc.assert(fc.asyncProperty(fc.record({ slug: hostileString, name: fc.option(hostileString) }, { requiredKeys: ['slug'] }), async (input) => {
    await expectContract('createOrganization', 'CreateOrganizationInput', input, admin);
  }), { numRuns: 150 });
  await fc.assert(fc.asyncProperty(fc.record({ organizationId: fc.oneof(fc.constant(mine.globalId), anyId), name: fc.option(hostileString), scopes: fc.option(fc.array(fc.oneof(fc.constantFrom('endpoints:read', 'events:publish', '*', 'admin'), hostileString), { maxLength: 8 })) }, { requiredKeys: ['organizationId'] }), async (input) => {
    await expectContract('createApiKey', 'CreateApiKeyInput', input, admin);
  }), { numRuns: 150 });
  await fc.assert(fc.asyncProperty(fc.record({ id: anyId }), async (input) => {
    await expectContract('revokeApiKey', 'RevokeApiKeyInput', input, admin);
  }), { numRuns: 80 });
  await fc.assert(fc.asyncProperty(fc.record({ name: hostileString, description: fc.option(hostileString), schema: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 4 }), protoKeyed, fc.constant({ type: 'nonsense' }), fc.constant({ $ref: 'http://evil/' }))) }, { requiredKeys: ['name'] }), async (input) => {
    await expectContract('createEventType', 'CreateEventTypeInput', input, admin);
  }), { numRuns: 150 });
  await fc.assert(fc.asyncProperty(fc.record({ name: fc.oneof(fc.constant('order.created'), hostileString), description: fc.option(hostileString), schema: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 4 }), protoKeyed)) }, { requiredKeys: ['name'] }), async (input) => {
    await expectContract('updateEventType', 'UpdateEventTypeInput', input, admin);
  }), { numRuns: 150 });
});
