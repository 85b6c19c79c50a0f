// De-risks issue 20, findings 2 and 7d at the API: a request's cost is bounded by what its key may
// do, not only by bytes. A key without events:publish (a read-only key, a portal session) may send
// HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH (320 KiB by default: a testFilter payload at the payload
// limit fits), a publishing key HERALD_MAX_REQUEST_BYTES; a JSON value holds at most the per-value
// element budget and a request's variables the per-request one, refused before coercion with a
// message naming the limit; EventType.example of a small recursive schema stays small.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonElementBudgets } from '../../src/json-value.ts';
import { createPortalSession } from '../../src/portal/portal-sessions.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

const KIB = 1024;
/** A payload filter of the documented size class (`$in` of 600 values, about 3.3 KiB). */
const FILTER = { x: { $in: Array.from({ length: 600 }, (_, i) => i + 1) } };
const TEST_FILTER = 'query($filter: JSON!, $payload: JSON!) { testFilter(filter: $filter, payload: $payload) { ... on TestFilterPayload { matches } ... on ValidationError { message } } }';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let readOnlyKey: string;
let publishingKey: string;
let portalToken: string;

beforeAll(async () => {
  herald = await startTestHerald();
  server = await herald.listen();
  const org = await herald.organization('limits-co', ['endpoints:read', 'events:read', 'deliveries:read']);
  readOnlyKey = org.key;
  publishingKey = (await herald.organization('limits-publisher', ['events:publish'])).key;
  portalToken = (await createPortalSession(herald.db, herald.config, org.id, { scopes: ['endpoints:read', 'endpoints:write', 'deliveries:read'], seconds: 600 })).token;
});
afterAll(async () => {
  await server?.close();
  await herald?.close();
});

interface Answer {
  status: number;
  body: { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** POST over real HTTP (fetch sends Content-Length for a string body). */
async function post(key: string, body: string): Promise<Answer> {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** A `testFilter` request of `bytes` bytes: its payload is a string sized to fit. */
function testFilterOf(bytes: number): string {
  const empty = JSON.stringify({ query: TEST_FILTER, variables: { filter: FILTER, payload: { x: '' } } });
  const body = JSON.stringify({ query: TEST_FILTER, variables: { filter: FILTER, payload: { x: 'y'.repeat(bytes - empty.length) } } });
  expect(body.length).toBe(bytes);
  return body;
}

describe('request bodies sized by what the key may do', () => {
  const limit = () => herald.config.maxRequestBytesWithoutPublish;
  const FILTER_BYTES = () => JSON.stringify(FILTER).length;

  it('defaults to 320 KiB for keys without events:publish, room for a testFilter payload at the payload limit', () => {
    expect(limit()).toBe(320 * KIB);
    expect(herald.config.maxPayloadBytes + FILTER_BYTES() + 2 * KIB).toBeLessThan(limit());
  });

  it('refuses a read-only key and a portal session above it with 413 PAYLOAD_TOO_LARGE naming the variable', async () => {
    for (const [who, key] of [['read-only key', readOnlyKey], ['portal session', portalToken]] as const) {
      const answer = await post(key, testFilterOf(limit() + 1));
      expect(answer.status, who).toBe(413);
      expect(answer.body.errors?.[0], who).toMatchObject({
        message: expect.stringContaining(`larger than ${limit()} bytes (HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH)`),
        extensions: { code: 'PAYLOAD_TOO_LARGE' },
      });
    }
  });

  it('serves a read-only key and a portal session at the limit: a testFilter with a payload at the payload limit', async () => {
    for (const [who, key] of [['read-only key', readOnlyKey], ['portal session', portalToken]] as const) {
      const answer = await post(key, testFilterOf(limit()));
      expect(answer.status, who).toBe(200);
      expect(answer.body, who).toEqual({ data: { testFilter: { matches: false } } });
    }
  });

  it('lets a publishing key send more (a 1 MiB body)', async () => {
    const answer = await post(publishingKey, testFilterOf(1024 * KIB));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { testFilter: { matches: false } } });
  });
});

describe('JSON element budgets', () => {
  const { perValue } = jsonElementBudgets(256 * KIB);
  const zeros = (count: number) => Array.from({ length: count }, () => 0);

  it('defaults to 131,072 elements per value: a payload of that many passes', async () => {
    expect(perValue).toBe(131_072);
    // The array itself is one element of the payload object: perValue - 1 items fill it.
    const answer = await post(readOnlyKey, JSON.stringify({ query: TEST_FILTER, variables: { filter: {}, payload: { x: zeros(perValue - 1) } } }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { testFilter: { matches: true } } });
  });

  it('refuses a variable past the per-value budget with BAD_USER_INPUT naming the limit', async () => {
    const answer = await post(readOnlyKey, JSON.stringify({ query: TEST_FILTER, variables: { filter: {}, payload: { x: zeros(perValue) } } }));
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining(`one value may hold at most ${perValue}`), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
  });

  it('refuses a variable written inside a JSON literal past the per-value budget', async () => {
    // `$items` is declared as a list of Int, but inside the literal the JSON scalar takes it raw.
    const query = 'query($items: [Int!]!) { testFilter(filter: {}, payload: { x: $items }) { ... on TestFilterPayload { matches } } }';
    const fits = await post(readOnlyKey, JSON.stringify({ query, variables: { items: zeros(1_000) } }));
    expect(fits.body).toEqual({ data: { testFilter: { matches: true } } });
    const answer = await post(readOnlyKey, JSON.stringify({ query, variables: { items: zeros(perValue + 1) } }));
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors?.[0]).toMatchObject({ message: expect.stringContaining(`one value may hold at most ${perValue}`), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it("refuses a request whose variables together pass the per-request budget, each value within its own", async () => {
    // Under a small payload limit, so the request stays small: 4,096 per value, 413,696 per request.
    const small = await startTestHerald({ maxPayloadBytes: 8 * KIB });
    try {
      const budgets = jsonElementBudgets(8 * KIB);
      expect(budgets).toEqual({ perValue: 4_096, perRequest: 413_696 });
      const key = (await small.organization('budget-co', ['events:publish'])).key;
      const query = 'mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename } }';
      const events = (count: number) => Array.from({ length: count }, () => ({ type: 'webhook.test', payload: { x: zeros(budgets.perValue - 1) } }));
      const answer = await small.graphql(query, { input: { events: events(102) } }, key);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0]).toMatchObject({ message: expect.stringContaining(`a request may hold at most ${budgets.perRequest}`), extensions: { code: 'BAD_USER_INPUT' } });
    } finally {
      await small.close();
    }
  });
});

describe('EventType.example of a recursive schema (finding 7d)', () => {
  // Under 176 bytes of schema each: a node with eight children of its own type (depth-limited, the
  // example was megabytes), and an array of 100 copies of itself (shared copies, written out in full).
  const BRANCHING = { type: 'object', properties: Object.fromEntries('abcdefgh'.split('').map((name) => [name, { $ref: '#' }])) };
  const ARRAYS = { $ref: '#/$defs/n', $defs: { n: { type: 'array', minItems: 100, items: { $ref: '#/$defs/n' } } } };

  it('answers a small example, quickly, without RESPONSE_TOO_LARGE', async () => {
    for (const [name, schema] of [['tree.branching', BRANCHING], ['tree.arrays', ARRAYS]] as const) {
      expect(JSON.stringify(schema).length, name).toBeLessThanOrEqual(176);
      const created = await herald.graphql(
        'mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { __typename } }',
        { input: { name, schema } },
        herald.adminKey,
      );
      expect(created.data?.createEventType.__typename, name).toBe('CreateEventTypePayload');
    }
    const started = performance.now();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${readOnlyKey}` },
      body: JSON.stringify({ query: '{ eventTypes { name example } }' }),
    });
    const text = await response.text();
    const elapsed = performance.now() - started;
    const answer = JSON.parse(text) as Answer['body'];
    expect(answer.errors).toBeUndefined();
    const example = (name: string) => answer.data!.eventTypes.find((type: { name: string }) => type.name === name).example;
    expect(example('tree.branching')).toMatchObject({ a: { a: expect.any(Object) } });
    expect(example('tree.arrays')).toEqual(expect.arrayContaining([expect.any(Array)]));
    expect(text.length).toBeLessThan(64 * KIB);
    expect(elapsed).toBeLessThan(2_000);
  });
});
