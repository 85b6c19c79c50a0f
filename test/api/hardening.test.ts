// De-risks the API's edges: over-deep, over-wide and costly queries are refused before they run;
// oversized and non-JSON bodies are refused; CORS answers only configured origins; unexpected
// faults are masked; /health and /ready answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
let key: string;

beforeAll(async () => {
  herald = await startTestHerald({ corsOrigins: ['https://app.example.com'], maxRequestBytes: 64 * 1024 });
  key = (await herald.organization('hardening-co')).key;
});
afterAll(() => herald.close());

function post(body: string, headers: Record<string, string> = {}) {
  return herald.yoga.fetch('http://herald.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body,
  });
}

describe('query limits', () => {
  it('refuses an over-deep query', async () => {
    const deep = `{ viewer { ${'__typename ... on Organization { '.repeat(15)} slug ${'}'.repeat(15)} } }`;
    const response = await herald.graphql(deep, {}, key);
    expect(response.errors?.[0]?.message).toMatch(/depth/i);
    expect(response.data).toBeUndefined();
  });

  it('refuses too many aliases', async () => {
    const wide = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { slug }`).join(' ')} }`;
    const response = await herald.graphql(wide, {}, key);
    expect(response.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses a query whose cost is over the limit', async () => {
    const costly = `{ ${Array.from({ length: 14 }, (_, i) => `e${i}: endpoints(first: 100) { edges { node { id name url eventTypes projects headers { name value } } } }`).join(' ')} }`;
    const response = await herald.graphql(costly, {}, key);
    expect(response.errors?.[0]?.message).toMatch(/complexity|cost/i);
  });

  // Field suggestions (shown outside production, hidden in it): test/api/errors.test.ts.
});

describe('request bodies', () => {
  it('refuses a body over HERALD_MAX_REQUEST_BYTES with 413', async () => {
    const body = JSON.stringify({ query: '{ viewer { slug } }', variables: { pad: 'x'.repeat(70 * 1024) } });
    const response = await post(body);
    expect(response.status).toBe(413);
  });

  it('refuses a streamed body that grows past the limit without a Content-Length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('refuses non-JSON content types and malformed JSON', async () => {
    expect((await post('query=%7Bviewer%7Bslug%7D%7D', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('{"query": ', {})).status).toBe(400);
  });
});

describe('CORS', () => {
  it('allows a configured origin and no other', async () => {
    const preflight = (origin: string) =>
      herald.yoga.fetch('http://herald.test/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('faults', () => {
  it('masks an unexpected error instead of leaking its message', async () => {
    const broken = await startTestHerald();
    const org = await broken.organization('fault-co');
    // A fault the API does not expect: the endpoints table vanishes under it.
    await broken.db.$executeRawUnsafe('ALTER TABLE endpoints RENAME TO endpoints_gone');
    const response = await broken.graphql('{ endpoints { edges { node { id } } } }', {}, org.key);
    expect(response.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(response)).not.toMatch(/endpoints_gone|relation|prisma/i);
    await broken.close();
  });
});

describe('probes', () => {
  it('answers /health and /ready', async () => {
    expect((await herald.yoga.fetch('http://herald.test/health')).status).toBe(200);
    expect((await herald.yoga.fetch('http://herald.test/ready')).status).toBe(200);
  });
});

describe('NUL characters', () => {
  it('refuses a NUL in a variable, a JSON key or a document literal with BAD_USER_INPUT, and writes nothing', async () => {
    await herald.db.eventType.upsert({ where: { name: 'nul.test' }, create: { name: 'nul.test' }, update: {} });
    const before = await herald.db.event.count();
    const attempts = [
      herald.graphql(`mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }`, { input: { type: 'nul.test', payload: { note: 'a\u0000b' } } }, key),
      herald.graphql(`mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }`, { input: { type: 'nul.test', payload: { 'k\u0000': 1 } } }, key),
      herald.graphql(`mutation { publishEvent(input: { type: "nul.test", payload: { note: "a\\u0000b" } }) { __typename } }`, {}, key),
      herald.graphql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename } }`, { input: { organizationId: 'org_0190a3b2c4d57e8f9a0b1c2d3e4f5a6b', name: '\u0000' } }, herald.adminKey),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('NUL character'), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    }
    expect(await herald.db.event.count()).toBe(before);
  });
});

describe('"__proto__" keys in JSON', () => {
  it('refuses them anywhere in a JSON value, as a variable or a literal, and writes nothing (Prisma would drop or choke on them)', async () => {
    await herald.db.eventType.upsert({ where: { name: 'proto.test' }, create: { name: 'proto.test', schema: { type: 'object' } }, update: {} });
    const before = await herald.db.event.count();
    const responses = await Promise.all([
      herald.graphql(`mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }`, { input: { type: 'proto.test', payload: { a: [{ ['__proto__']: { polluted: true } }] } } }, key),
      herald.graphql(`mutation { publishEvent(input: { type: "proto.test", payload: { __proto__: { polluted: true } } }) { __typename } }`, {}, key),
      herald.graphql(`mutation($input: UpdateEventTypeInput!) { updateEventType(input: $input) { __typename } }`, { input: { name: 'proto.test', schema: { ['__proto__']: null } } }, herald.adminKey),
    ]);
    for (const response of responses) {
      expect(response.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('"__proto__" key') })]);
      expect(response.errors![0]!.message).not.toBe('Unexpected error.');
    }
    expect(await herald.db.event.count()).toBe(before);
    expect((await herald.db.eventType.findUnique({ where: { name: 'proto.test' } }))!.schema).toEqual({ type: 'object' });
  });
});
