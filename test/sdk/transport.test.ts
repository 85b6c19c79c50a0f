// How the client fails and retries, over real sockets: a port nobody listens on (NETWORK), a
// server that never answers (TIMEOUT), the caller's signal (ABORTED), a live Herald refusing a
// variable (BAD_USER_INPUT), and a gateway answering 503 in front of a live Herald: queries and
// publishes are retried (a publish with the same idempotency key each try), other mutations not.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient, HeraldError, HeraldNetworkError, HeraldRequestError, type HeraldClient, type HeraldClientOptions } from '../../sdk/src/index.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let apiKey: string;
const clients: HeraldClient[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true });
  await herald.db.eventType.create({ data: { name: 'invoice.paid' } });
  server = await herald.listen();
  apiKey = (await herald.organization('sdk-transport')).key;
});
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await server.close();
  await herald.close();
});

function connect(options: Partial<HeraldClientOptions> = {}): HeraldClient {
  const c = createHeraldClient({ url: server.url, apiKey, retryDelayMs: 5, ...options });
  clients.push(c);
  return c;
}

async function listen(handler: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<string> {
  const local = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  servers.push(local);
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(local.address() as AddressInfo).port}/graphql`;
}

/** A port that was just free: nothing listens on it. */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}/graphql`;
}

/** In front of the live Herald: answers 503 to the first `failures` requests, then forwards. */
async function flakyGateway(failures: number) {
  const bodies: Array<{ variables?: { input?: { idempotencyKey?: string; events?: Array<{ idempotencyKey?: string }> } } }> = [];
  const url = await listen((request, body, response) => {
    bodies.push(JSON.parse(body));
    if (bodies.length <= failures) return void response.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503 Service Unavailable</h1>');
    void fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: request.headers.authorization! }, body })
      .then(async (answer) => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()));
  });
  return { url, bodies };
}

async function failure(promise: Promise<unknown>): Promise<HeraldError> {
  const error = await promise.then(() => null, (reason: unknown) => reason);
  if (!(error instanceof HeraldError)) throw new Error(`expected a HeraldError, got ${String(error)}`);
  return error;
}

describe('failures are Herald errors with a code and a cause', () => {
  it('NETWORK when nothing listens, after the retries', async () => {
    const error = await failure(connect({ url: await deadUrl() }).endpoints());
    expect(error).toBeInstanceOf(HeraldNetworkError);
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('TIMEOUT when the server never answers, per try, and per call overrides the client', async () => {
    const seen: IncomingMessage[] = [];
    const url = await listen((request) => void seen.push(request));
    const client = connect({ url, timeoutMs: 60_000 });
    const error = await failure(client.viewer({ timeoutMs: 50, retries: 1 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.cause).toBeInstanceOf(DOMException);
    expect(seen).toHaveLength(2);
  });

  it('ABORTED when the caller aborts, without retrying', async () => {
    const seen: IncomingMessage[] = [];
    const url = await listen((request) => void seen.push(request));
    const controller = new AbortController();
    const pending = failure(connect({ url }).events({ first: 5 }, { signal: controller.signal }));
    await waitUntil(() => seen.length === 1);
    controller.abort(new Error('user navigated away'));
    const error = await pending;
    expect(error.code).toBe('ABORTED');
    expect(error.cause).toEqual(new Error('user navigated away'));
    expect(seen).toHaveLength(1);

    const clientWide = new AbortController();
    clientWide.abort();
    expect((await failure(connect({ signal: clientWide.signal }).viewer())).code).toBe('ABORTED');
  });

  it("BAD_USER_INPUT, the server's extensions.code, for a page size over the limit", async () => {
    const error = await failure(connect().deliveries({ first: 1_000 }));
    expect(error).toBeInstanceOf(HeraldRequestError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/first must be between 0 and 100/);
  });

  it('HTTP_STATUS when a gateway keeps answering 503, after 1 + retries tries', async () => {
    const gateway = await flakyGateway(10);
    const error = await failure(connect({ url: gateway.url, retries: 3 }).viewer());
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
    expect(gateway.bodies).toHaveLength(4);
  });
});

describe('retries', () => {
  it('retries a publish after 503 with the same generated idempotency key, and publishes once', async () => {
    const gateway = await flakyGateway(2);
    const published = await connect({ url: gateway.url }).publishEvent({ type: 'invoice.paid', payload: { invoice: 'in_retry' } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
    const keys = gateway.bodies.map((body) => body.variables?.input?.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^sdk_[0-9a-f]{32}$/);
    expect(published.event.idempotencyKey).toBe(keys[0]);
    expect(await herald.db.event.count({ where: { idempotencyKey: keys[0]! } })).toBe(1);
  });

  it("keeps the caller's key, and gives each event of a batch its own", async () => {
    const gateway = await flakyGateway(1);
    const result = await connect({ url: gateway.url }).publishEvents({
      events: [
        { type: 'invoice.paid', payload: { n: 1 }, idempotencyKey: 'mine-1' },
        { type: 'invoice.paid', payload: { n: 2 } },
      ],
    });
    if (result.__typename !== 'PublishEventsPayload') throw new Error(result.__typename);
    const tries = gateway.bodies.map((body) => body.variables?.input?.events?.map((event) => event.idempotencyKey));
    expect(tries).toHaveLength(2);
    expect(tries[1]).toEqual(tries[0]);
    expect(tries[0]![0]).toBe('mine-1');
    expect(tries[0]![1]).toMatch(/^sdk_/);
  });

  it('does not retry a mutation that is not idempotent', async () => {
    const gateway = await flakyGateway(1);
    const error = await failure(connect({ url: gateway.url }).createEndpoint({ url: 'http://127.0.0.1:9/x', eventTypes: ['*'] }));
    expect(error.code).toBe('HTTP_STATUS');
    expect(gateway.bodies).toHaveLength(1);
  });

  it('retries: 0 turns retries off', async () => {
    const gateway = await flakyGateway(1);
    expect((await failure(connect({ url: gateway.url, retries: 0 }).viewer())).code).toBe('HTTP_STATUS');
    expect(gateway.bodies).toHaveLength(1);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
