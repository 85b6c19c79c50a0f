// De-risks the pen test's findings on the HTTP edge: a keyless caller cannot make the server read a
// large body; HERALD_MAX_REQUEST_BYTES is the body limit in force; one response carries at most
// HERALD_MAX_RESPONSE_BYTES of payloads and response bodies; GraphiQL is off in production and,
// when on, loads nothing from another host under a strict CSP; /metrics obeys its token on the API
// and on a worker's probe server; CORS never allows Origin: null nor credentials; the servers
// listen on HERALD_HOST; past HERALD_MAX_CONNECTIONS the probes are still answered and nothing
// else is held.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type HeraldConfig } from '../../src/config/config.ts';
import { deliveryNotice, notifyChange } from '../../src/pubsub/notices.ts';
import { encodeGlobalId } from '../../src/global-id.ts';
import { createHeraldYoga } from '../../src/graphql/yoga.ts';
import { silentLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { startApiServer, startProbeServer, type ApiServer } from '../../src/processes/api-server.ts';
import { OVERFLOW_CONNECTIONS, OVERFLOW_FIRST_LINE_MS } from '../../src/processes/connection-cap.ts';
import type { Runtime } from '../../src/processes/runtime.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

const BUDGET = 10_000;
const PAYLOAD_BYTES = 3_000;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

let herald: TestHerald;
let org: Awaited<ReturnType<TestHerald['organization']>>;

beforeAll(async () => {
  herald = await startTestHerald({ maxResponseBytes: BUDGET, corsOrigins: ['https://app.example.com', 'https://admin.example.com'] });
  org = await herald.organization('posture-co');
});
afterAll(() => herald.close());

/** The same services under another config, as a process started with it would have. */
function runtimeWith(overrides: Partial<HeraldConfig>): Runtime {
  const config = { ...herald.config, ...overrides };
  return {
    config,
    boss: null,
    databaseUrl: herald.databaseUrl,
    db: herald.db,
    services: { ...herald.services, config },
    log: silentLogger,
    metrics: createMetrics({ queueDepth: async () => 0, disabledEndpoints: async () => [], openSubscriptions: () => 0 }),
    changeFeed: null,
    databaseReady: async () => true,
    close: async () => undefined,
  };
}

function yogaWith(overrides: Partial<HeraldConfig>) {
  const runtime = runtimeWith(overrides);
  return createHeraldYoga({ services: runtime.services, log: silentLogger, metrics: runtime.metrics, isReady: async () => true });
}

describe('request bodies and keys', () => {
  it('answers a keyless POST declaring a large body UNAUTHENTICATED without waiting for the body', async () => {
    const server = await herald.listen();
    try {
      // 24 MB declared (under HERALD_MAX_REQUEST_BYTES), 1 KiB sent, the rest never comes.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(24_000_000) },
        });
        request.on('response', (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            request.destroy();
            resolve({ status: response.statusCode ?? 0, body });
          });
        });
        request.on('error', reject);
        request.write(`{"query":"{ viewer { slug } }","variables":{"pad":"${'x'.repeat(1024)}`);
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      await server.close();
    }
  });

  it('lets a keyless caller send a small body (introspection for GraphiQL), and no more', async () => {
    const introspection = await herald.graphql('{ __schema { queryType { name } } }');
    expect(introspection.data?.__schema.queryType.name).toBe('Query');
    const padded = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(20 * 1024) } }),
    });
    expect(padded.status).toBe(401);
    expect(((await padded.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a keyed body over 25,000,000 bytes when HERALD_MAX_REQUEST_BYTES allows it (Yoga’s own limit is off)', async () => {
    const body = JSON.stringify({ query: '{ viewer { slug } }', variables: { pad: 'x'.repeat(25_500_000) } });
    expect(body.length).toBeLessThan(herald.config.maxRequestBytes);
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.key}` },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { viewer: { slug: 'posture-co' } } });
  });

  it('refuses a keyed body streaming past a small HERALD_MAX_REQUEST_BYTES with its own error', async () => {
    const yoga = yogaWith({ maxRequestBytes: 32 * 1024 });
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const response = await yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.key}` },
      body: new ReadableStream<Uint8Array>({ pull: (controller) => (sent++ < 4 ? controller.enqueue(chunk) : controller.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const errors = ((await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }).errors;
    expect(errors[0]).toMatchObject({ message: expect.stringContaining('HERALD_MAX_REQUEST_BYTES'), extensions: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('response budget', () => {
  const pad = (i: number) => ({ i, pad: 'p'.repeat(PAYLOAD_BYTES) });

  it('returns the first payloads and RESPONSE_TOO_LARGE for the rest, staying near HERALD_MAX_RESPONSE_BYTES', async () => {
    const events = [];
    for (let i = 0; i < 10; i++) {
      events.push(await herald.db.event.create({ data: { organizationId: org.id, type: 'webhook.test', payload: pad(i) } }));
    }
    const query = `{ ${events.map((event, i) => `e${i}: node(id: "${encodeGlobalId('Event', event.id)}") { ... on Event { payload } }`).join(' ')} }`;
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.key}` },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    const result = JSON.parse(text) as { data: Record<string, { payload: unknown } | null>; errors: Array<{ path: string[]; message: string; extensions: { code: string } }> };
    const fits = Math.floor(BUDGET / JSON.stringify(pad(0)).length);
    // The aliases resolve concurrently: whichever come first within the budget carry their payload.
    const answered = events.map((_, i) => result.data[`e${i}`]?.payload ?? null);
    expect(answered.filter((payload) => payload !== null)).toHaveLength(fits);
    answered.forEach((payload, i) => expect(payload === null || JSON.stringify(payload) === JSON.stringify(pad(i))).toBe(true));
    expect(result.errors.map((error) => error.path[0]).sort()).toEqual(answered.flatMap((payload, i) => (payload === null ? [`e${i}`] : [])).sort());
    for (const error of result.errors) {
      expect(error.extensions.code).toBe('RESPONSE_TOO_LARGE');
      expect(error.message).toContain('HERALD_MAX_RESPONSE_BYTES');
    }
    expect(text.length).toBeLessThan(BUDGET + 4_000);

    // A page of them: past the budget the page is refused rather than sent whole.
    const page = await herald.graphql('{ events(first: 10) { edges { node { payload } } } }', {}, org.key);
    expect(page.errors?.map((error) => error.extensions?.code)).toContain('RESPONSE_TOO_LARGE');
    expect(JSON.stringify(page).length).toBeLessThan(BUDGET + 4_000);
  });

  it('charges receiver response bodies too, each request afresh', async () => {
    const endpoint = await herald.db.endpoint.create({ data: { organizationId: org.id, name: 'budget', url: 'https://example.com/hook', eventTypes: ['*'], projects: [], secretSealed: 'unused' } });
    const event = await herald.db.event.create({ data: { organizationId: org.id, type: 'webhook.test', payload: {} } });
    const delivery = await herald.db.delivery.create({ data: { organizationId: org.id, eventId: event.id, endpointId: endpoint.id, status: 'FAILED' } });
    for (let number = 1; number <= 6; number++) {
      await herald.db.attempt.create({ data: { deliveryId: delivery.id, number, startedAt: new Date(), durationMs: 1, responseStatus: 500, responseBody: 'b'.repeat(PAYLOAD_BYTES) } });
    }
    Object.assign(delivery, await herald.db.delivery.update({ where: { id: delivery.id }, data: { attemptCount: 2 } }));
    const query = `{ node(id: "${encodeGlobalId('Delivery', delivery.id)}") { ... on Delivery { attempts { number responseBody } } } }`;
    for (let round = 0; round < 2; round++) {
      const response = await herald.graphql(query, {}, org.key);
      const bodies = response.data?.node.attempts.map((attempt: { responseBody: string | null }) => attempt.responseBody?.length ?? null);
      expect(bodies).toEqual([PAYLOAD_BYTES, PAYLOAD_BYTES, PAYLOAD_BYTES, null, null, null]);
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(Array(3).fill('RESPONSE_TOO_LARGE'));
    }
  });
});

describe('response budget of a subscription', () => {
  it('is per event, so a long-lived subscription never runs out', async () => {
    const endpoint = await herald.db.endpoint.create({ data: { organizationId: org.id, name: 'live', url: 'https://example.com/live', eventTypes: ['*'], projects: [], secretSealed: 'unused' } });
    const event = await herald.db.event.create({ data: { organizationId: org.id, type: 'webhook.test', payload: {} } });
    const delivery = await herald.db.delivery.create({ data: { organizationId: org.id, eventId: event.id, endpointId: endpoint.id, status: 'RETRYING' } });
    for (let number = 1; number <= 2; number++) {
      await herald.db.attempt.create({ data: { deliveryId: delivery.id, number, startedAt: new Date(), durationMs: 1, responseStatus: 500, responseBody: 'b'.repeat(PAYLOAD_BYTES) } });
    }
    Object.assign(delivery, await herald.db.delivery.update({ where: { id: delivery.id }, data: { attemptCount: 2 } }));
    // Each event carries 6,000 bytes of a 10,000-byte budget: a budget per operation fails the second.
    const abort = new AbortController();
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      signal: abort.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${org.key}` },
      body: JSON.stringify({ query: `subscription { deliveryUpdated(filter: { deliveryId: "${encodeGlobalId('Delivery', delivery.id)}" }) { attempts { responseBody } } }` }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const notice = deliveryNotice(delivery);
    const received: Array<{ data?: { deliveryUpdated: { attempts: Array<{ responseBody: string | null }> } }; errors?: unknown[] }> = [];
    let buffer = '';
    // The subscription listens only once its stream is open: notices repeat until three events are in.
    // (A Prisma query runs only once awaited or given a callback: `catch` starts it.)
    const notifying = setInterval(() => herald.db.$transaction((tx) => notifyChange(tx, notice)).catch(() => undefined), 50);
    try {
      while (received.length < 3) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
          buffer = buffer.slice(end + 2);
          if (data) received.push(JSON.parse(data.slice('data: '.length)));
        }
      }
    } finally {
      clearInterval(notifying);
      abort.abort();
    }
    expect(received.slice(0, 3).map((result) => [result.errors, result.data?.deliveryUpdated.attempts.map((attempt) => attempt.responseBody?.length)])).toEqual(
      Array(3).fill([undefined, [PAYLOAD_BYTES, PAYLOAD_BYTES]]),
    );
  });
});

describe('GraphiQL', () => {
  const page = (yoga: ReturnType<typeof yogaWith>) => yoga.fetch('http://herald.test/graphql', { headers: { accept: 'text/html' } });

  it('is not served with the production config', async () => {
    const production = loadConfig({ NODE_ENV: 'production', HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(production.graphiql).toBe(false);
    const response = await page(yogaWith({ nodeEnv: 'production', graphiql: production.graphiql }));
    expect(response.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await response.text()).not.toMatch(/graphiql/i);
  });

  it('is served in development from this origin only, under a strict CSP, never in a frame', async () => {
    const response = await page(herald.yoga);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    // Every script is either a same-origin file or an inert JSON data block.
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ src="\/|type="application\/json"/);
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/graphiql/graphiql.js', '/graphiql/graphiql.css', '/graphiql/boot.js']));
    for (const path of [...assets, '/graphiql/editor.worker.js', '/graphiql/json.worker.js', '/graphiql/graphql.worker.js']) {
      const asset = await herald.yoga.fetch(`http://herald.test${path}`);
      expect(asset.status, path).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
    }
  });
});

describe('/metrics', () => {
  async function probe(overrides: Partial<HeraldConfig>) {
    return startProbeServer(runtimeWith(overrides), { port: 0, host: '127.0.0.1', isDraining: () => false });
  }
  const statuses = async (get: (authorization?: string) => Promise<Response> | Response) => [
    (await get()).status,
    (await get('Bearer wrong-token-0123456789abcdef')).status,
    (await get(`Bearer ${METRICS_TOKEN}`)).status,
  ];

  it('answers only the bearer of HERALD_METRICS_TOKEN when it is set, on the API and on the probe server', async () => {
    const yoga = yogaWith({ metricsToken: METRICS_TOKEN });
    const fromYoga = (authorization?: string) => yoga.fetch('http://herald.test/metrics', { headers: authorization ? { authorization } : {} });
    expect(await statuses(fromYoga)).toEqual([401, 401, 200]);
    expect(await (await fromYoga(`Bearer ${METRICS_TOKEN}`)).text()).toContain('herald_');

    const server = await probe({ metricsToken: METRICS_TOKEN });
    try {
      const fromProbe = (authorization?: string) => fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(await statuses(fromProbe)).toEqual([401, 401, 200]);
      expect(await (await fromProbe(`Bearer ${METRICS_TOKEN}`)).text()).toContain('herald_');
    } finally {
      await server.close(0);
    }
  });

  it('without a token is open in development and test, and absent in production', async () => {
    for (const [nodeEnv, expected] of [['test', 200], ['development', 200], ['production', 404]] as const) {
      expect((await yogaWith({ nodeEnv, metricsToken: undefined }).fetch('http://herald.test/metrics')).status, nodeEnv).toBe(expected);
      const server = await probe({ nodeEnv, metricsToken: undefined });
      try {
        expect((await fetch(`${server.url}/metrics`)).status, nodeEnv).toBe(expected);
      } finally {
        await server.close(0);
      }
    }
  });
});

describe('CORS with several origins', () => {
  const preflight = (origin: string) =>
    herald.yoga.fetch('http://herald.test/graphql', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('allows each configured origin, without credentials', async () => {
    for (const origin of herald.config.corsOrigins) {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('never allows Origin: null or an unlisted origin', async () => {
    for (const origin of ['null', 'https://evil.example']) {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(response.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
    const post = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { origin: 'null', 'content-type': 'application/json', authorization: `Bearer ${org.key}` },
      body: JSON.stringify({ query: '{ viewer { slug } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('listen address', () => {
  it('binds HERALD_HOST (loopback by default outside production), not every interface', async () => {
    expect(herald.config.host).toBe('127.0.0.1');
    const runtime = runtimeWith({});
    const servers: ApiServer[] = [
      await startApiServer(runtime, { port: 0, host: runtime.config.host, isDraining: () => false }),
      await startProbeServer(runtime, { port: 0, host: runtime.config.host, isDraining: () => false }),
    ];
    try {
      for (const server of servers) {
        expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
        expect(server.address).toBe(`127.0.0.1:${server.port}`);
        expect(server.url).toBe(`http://localhost:${server.port}`);
        expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
      }
    } finally {
      await Promise.all(servers.map((server) => server.close(0)));
    }
  });
});

describe('connection cap (HERALD_MAX_CONNECTIONS)', () => {
  /** A request line and one header, then nothing: a place held until the headers timeout. */
  const halfSend = (port: number) =>
    new Promise<Socket>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n', () => resolve(socket)));
      socket.on('error', () => undefined);
    });
  /** A request on a new connection: its status, Retry-After and body. */
  const ask = (port: number, method: string, path: string) =>
    new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, method, path, agent: false, headers: method === 'POST' ? { 'content-type': 'application/json', authorization: `Bearer ${org.key}` } : {} }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }));
      });
      request.on('error', reject);
      request.end(method === 'POST' ? JSON.stringify({ query: '{ viewer { slug } }' }) : undefined);
    });

  it('past the cap answers /health 200, /ready 503 and any other request 503 with Retry-After; a freed place serves again', async () => {
    const server = await startApiServer(runtimeWith({ maxConnections: 2 }), { port: 0, host: '127.0.0.1', isDraining: () => false });
    const held: Socket[] = [];
    try {
      expect((await ask(server.port, 'GET', '/health')).status).toBe(200);
      held.push(await halfSend(server.port), await halfSend(server.port));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await ask(server.port, 'GET', '/health')).toMatchObject({ status: 200, body: 'ok' });
      expect(await ask(server.port, 'GET', '/ready')).toMatchObject({ status: 503, body: expect.stringContaining('HERALD_MAX_CONNECTIONS') });
      expect(await ask(server.port, 'POST', '/graphql')).toMatchObject({ status: 503, retryAfter: '1', body: expect.stringContaining('HERALD_MAX_CONNECTIONS') });
      held.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await ask(server.port, 'POST', '/graphql')).toMatchObject({ status: 200, body: JSON.stringify({ data: { viewer: { slug: 'posture-co' } } }) });
      expect((await ask(server.port, 'GET', '/ready')).status).toBe(200);
    } finally {
      for (const socket of held) socket.destroy();
      await server.close(0);
    }
  });

  it('past the cap reads at most OVERFLOW_CONNECTIONS at once; past those a connection is closed as it arrives, /health too', async () => {
    const server = await startApiServer(runtimeWith({ maxConnections: 1 }), { port: 0, host: '127.0.0.1', isDraining: () => false });
    const held = [await halfSend(server.port)];
    try {
      const silent = (socket: Socket) => new Promise<Socket>((resolve) => socket.on('connect', () => resolve(socket)).on('error', () => undefined));
      held.push(...(await Promise.all(Array.from({ length: OVERFLOW_CONNECTIONS }, () => silent(connect(server.port, '127.0.0.1'))))));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      await expect(ask(server.port, 'GET', '/health')).rejects.toThrow(/ECONNRESET|socket hang up/);
      expect(performance.now() - started).toBeLessThan(OVERFLOW_FIRST_LINE_MS / 2);
    } finally {
      for (const socket of held) socket.destroy();
      await server.close(0);
    }
  });

  it('past the cap closes a connection that sends nothing within OVERFLOW_FIRST_LINE_MS', async () => {
    const server = await startApiServer(runtimeWith({ maxConnections: 1 }), { port: 0, host: '127.0.0.1', isDraining: () => false });
    const held = await halfSend(server.port);
    try {
      const started = performance.now();
      const silent = connect(server.port, '127.0.0.1');
      silent.on('error', () => undefined);
      const closedAfter = await new Promise<number>((resolve) => silent.on('close', () => resolve(performance.now() - started)));
      expect(closedAfter).toBeGreaterThanOrEqual(OVERFLOW_FIRST_LINE_MS - 100);
      expect(closedAfter).toBeLessThan(OVERFLOW_FIRST_LINE_MS + 1_000);
    } finally {
      held.destroy();
      await server.close(0);
    }
  });
});
