// OAuth2 client credentials toward receivers: a real token endpoint on 127.0.0.1 that issues
// short-lived tokens and counts requests, and a real receiver that takes only the token it issued
// last. De-risks the cache (a token is reused until it is due, then refreshed; concurrent attempts
// share one fetch), the 401 path (one refresh, one retry), a failing token endpoint (AUTHENTICATION
// with its status, nothing sent to the receiver) and that the client secret and tokens reach
// neither the API's answers nor the log.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEgressProxyUrl } from '../../src/engine/egress-route.ts';
import { createCheckedLookup } from '../../src/http/checked-lookup.ts';
import { createHttpSender, type HttpSender } from '../../src/http/http-sender.ts';
import type { OAuth2Credentials } from '../../src/engine/receiver-credentials.ts';
import { createLogger } from '../../src/log.ts';
import { startTestHerald } from '../support/herald.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

interface TokenRequest {
  authorization: string | undefined;
  form: URLSearchParams;
}

interface TokenServer {
  url: string;
  requests: TokenRequest[];
  /** The tokens issued, in order; the receiver takes only the last one. */
  issued: string[];
  /** What the next answers are: a token with this lifetime, or a failure. */
  answer: { expiresIn: number; delayMs?: number } | { status: number; body: string };
  close(): Promise<void>;
}

async function startTokenServer(): Promise<TokenServer> {
  const tokens: TokenServer = { url: '', requests: [], issued: [], answer: { expiresIn: 60 }, close: async () => {} };
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      tokens.requests.push({ authorization: request.headers.authorization, form: new URLSearchParams(body) });
      const answer = tokens.answer;
      if ('status' in answer) return void response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      const token = `token-${tokens.issued.length + 1}-${'x'.repeat(20)}`;
      tokens.issued.push(token);
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: answer.expiresIn }));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokens.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
  tokens.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return tokens;
}

/** A receiver that answers 401 to anything but the token issued last. */
function bearerReceiver(tokens: TokenServer): Promise<Receiver> {
  return startReceiver((request, response) => {
    response.statusCode = request.headers.authorization === `Bearer ${tokens.issued.at(-1)}` ? 200 : 401;
    response.end();
  });
}

const SECRET = 'client-secret-Zq8!value';
let tokens: TokenServer;
let receiver: Receiver;
let clock = Date.now();
const senders: HttpSender[] = [];
function sender(): HttpSender {
  const created = createHttpSender({ timeoutMs: 5_000, allowPrivateNetworks: true, now: () => clock });
  senders.push(created);
  return created;
}
const credentials = (overrides: Partial<OAuth2Credentials> = {}): OAuth2Credentials => ({
  tokenUrl: tokens.url,
  clientId: 'herald client',
  clientSecret: SECRET,
  scopes: ['webhooks:write', 'audit'],
  audience: 'https://receiver.example',
  clientAuthentication: 'BASIC',
  ...overrides,
});
const send = (via: HttpSender, oauth2: OAuth2Credentials, pool = 'ep-1') => via.send({ url: `${receiver.url}/hooks`, body: '{}', headers: { 'content-type': 'application/json' }, pool, oauth2 });

beforeAll(async () => {
  tokens = await startTokenServer();
  receiver = await bearerReceiver(tokens);
});
afterAll(async () => {
  for (const created of senders) created.close();
  await receiver.close();
  await tokens.close();
});

function reset(answer: TokenServer['answer'] = { expiresIn: 60 }) {
  tokens.requests.length = 0;
  tokens.issued.length = 0;
  tokens.answer = answer;
  receiver.requests.length = 0;
}

describe('the token cache', () => {
  it('asks for a token as RFC 6749 §4.4 says: client_secret_basic by default, or in the form with POST', async () => {
    reset();
    const basic = await send(sender(), credentials());
    expect(basic.status).toBe(200);
    const [asked] = tokens.requests;
    // §2.3.1: id and secret are form-encoded before base64 (the space becomes +).
    expect(asked!.authorization).toBe(`Basic ${Buffer.from(`herald+client:${encodeURIComponent(SECRET).replace('!', '%21')}`).toString('base64')}`);
    expect(Object.fromEntries(asked!.form)).toEqual({ grant_type: 'client_credentials', scope: 'webhooks:write audit', audience: 'https://receiver.example' });

    reset();
    const post = await send(sender(), credentials({ clientAuthentication: 'POST', scopes: [], audience: null }));
    expect(post.status).toBe(200);
    expect(tokens.requests[0]!.authorization).toBeUndefined();
    expect(Object.fromEntries(tokens.requests[0]!.form)).toEqual({ grant_type: 'client_credentials', client_id: 'herald client', client_secret: SECRET });
  });

  it('reuses a token until shortly before expires_in, then fetches a new one', async () => {
    reset({ expiresIn: 100 });
    const via = sender();
    for (let i = 0; i < 3; i++) expect((await send(via, credentials())).status).toBe(200);
    expect(tokens.requests).toHaveLength(1);
    expect(receiver.requests.map((request) => request.headers.authorization)).toEqual(Array(3).fill(`Bearer ${tokens.issued[0]}`));

    // 100 s tokens are renewed 10 s early (a tenth of the lifetime, under the 30 s margin).
    clock += 89_000;
    expect((await send(via, credentials())).status).toBe(200);
    expect(tokens.requests).toHaveLength(1);
    clock += 2_000;
    expect((await send(via, credentials())).status).toBe(200);
    expect(tokens.requests).toHaveLength(2);
    expect(receiver.requests.at(-1)!.headers.authorization).toBe(`Bearer ${tokens.issued[1]}`);
  });

  it('lets concurrent attempts await one token request, and keeps one token per endpoint and configuration', async () => {
    reset({ expiresIn: 60, delayMs: 100 });
    const via = sender();
    const results = await Promise.all(Array.from({ length: 8 }, () => send(via, credentials())));
    expect(results.map((result) => result.status)).toEqual(Array(8).fill(200));
    expect(tokens.requests).toHaveLength(1);
    // Another endpoint, or the same one with changed settings, has its own token.
    await send(via, credentials(), 'ep-2');
    await send(via, credentials({ scopes: ['audit'] }));
    expect(tokens.requests).toHaveLength(3);
  });

  it('on a 401 fetches a new token once and sends the attempt again', async () => {
    reset();
    const via = sender();
    expect((await send(via, credentials())).status).toBe(200);
    // The token server issues a token nobody has seen: the receiver no longer takes the kept one.
    tokens.issued.push('revoked-elsewhere');
    const retried = await send(via, credentials());
    expect({ ok: retried.ok, status: retried.status }).toEqual({ ok: true, status: 200 });
    expect(tokens.requests).toHaveLength(2);
    expect(receiver.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${tokens.issued[0]}`, `Bearer ${tokens.issued[0]}`, `Bearer ${tokens.issued[2]}`]);
    // The Bearer token is a secret: the attempt's record shows it redacted.
    expect(retried.requestHeaders).toContainEqual({ name: 'authorization', value: '[redacted]' });
  });

  it('refreshes only once when the receiver refuses every token, and reports its 401', async () => {
    reset();
    const refusing = await startReceiver((_request, response) => void response.writeHead(401).end('no'));
    try {
      const result = await sender().send({ url: `${refusing.url}/hooks`, body: '{}', headers: {}, pool: 'ep-401', oauth2: credentials() });
      expect(result.error).toEqual({ kind: 'HTTP_STATUS', message: 'HTTP 401' });
      expect([tokens.requests.length, refusing.requests.length]).toEqual([2, 2]);
    } finally {
      await refusing.close();
    }
  });

  it('reads a failing token endpoint as AUTHENTICATION with its status, and sends nothing to the receiver', async () => {
    reset({ status: 401, body: JSON.stringify({ error: 'invalid_client', error_description: `bad ${SECRET}` }) });
    const via = sender();
    const refused = await send(via, credentials());
    expect(refused.error).toEqual({ kind: 'AUTHENTICATION', message: 'the token endpoint answered HTTP 401 (invalid_client)' });
    tokens.answer = { status: 503, body: 'down' };
    expect((await send(via, credentials())).error).toEqual({ kind: 'AUTHENTICATION', message: 'the token endpoint answered HTTP 503' });
    tokens.answer = { status: 200, body: JSON.stringify({ access_token: 'abc', token_type: 'mac' }) };
    expect((await send(via, credentials())).error).toEqual({ kind: 'AUTHENTICATION', message: 'the token endpoint answered HTTP 200 with token_type "mac", not Bearer' });
    // A failure is not kept: the next attempt asks again.
    expect(tokens.requests).toHaveLength(3);
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends the token request through the egress proxy, to the checked address', async () => {
    reset();
    const asked: string[] = [];
    // An absolute-form forward proxy that records the request line it was given.
    const proxy = createServer((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      const target = new URL(request.url!);
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      // localhost resolves here, to 127.0.0.1: the proxy must be asked for that address, not the name.
      const dnsLookup = createCheckedLookup({ allowPrivateNetworks: true, resolve: (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]) });
      const via = createHttpSender({ timeoutMs: 5_000, allowPrivateNetworks: true, dnsLookup, egressProxy: { ...parseEgressProxyUrl(`http://127.0.0.1:${port}`), noProxy: [] } });
      senders.push(via);
      const result = await send(via, credentials({ tokenUrl: tokens.url.replace('127.0.0.1', 'localhost') }));
      expect(result.status).toBe(200);
      expect(asked[0]).toBe(`POST ${tokens.url}`);
      expect(asked).toHaveLength(2);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('holds the token request to the address policy: a refused token URL is never asked', async () => {
    reset();
    const result = await send(sender(), credentials({ tokenUrl: 'http://169.254.169.254/latest/token' }));
    expect(result.error?.kind).toBe('AUTHENTICATION');
    expect(result.error?.message).toMatch(/^the token endpoint could not be reached: refused: /);
    expect(receiver.requests).toHaveLength(0);
  });
});

const ENDPOINT = `id authentication { oauth2 { tokenUrl clientId clientSecretSet scopes audience clientAuthentication } }`;
const CREATE = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { ${ENDPOINT} } } ... on ValidationError { fields { path message } } }
}`;
const UPDATE = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { __typename ... on UpdateEndpointPayload { endpoint { ${ENDPOINT} } } ... on ValidationError { fields { path message } } }
}`;

describe('a worker delivering to an endpoint with OAuth2 client credentials', () => {
  it('sends the Bearer token, records a failing token endpoint as AUTHENTICATION, and never shows or logs the secret', async () => {
    const lines: string[] = [];
    const log = createLogger({ json: true, level: 'debug', write: (line) => void lines.push(line) });
    const herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0] }, { worker: true, log });
    try {
      reset();
      await herald.db.eventType.create({ data: { name: 'auth.event' } });
      const { key } = await herald.organization('oauth2-worker');
      const input = { url: `${receiver.url}/oauth`, eventTypes: ['auth.event'], authentication: { oauth2: { tokenUrl: tokens.url, clientId: 'herald', clientSecret: SECRET, scopes: ['send'] } } };
      const created = await herald.graphql(CREATE, { input }, key);
      expect(created.data!.createEndpoint).toEqual({
        __typename: 'CreateEndpointPayload',
        endpoint: { id: expect.any(String), authentication: { oauth2: { tokenUrl: tokens.url, clientId: 'herald', clientSecretSet: true, scopes: ['send'], audience: null, clientAuthentication: 'BASIC' } } },
      });
      const endpointId = created.data!.createEndpoint.endpoint.id as string;
      await publishEvent(withKey(herald, key), { type: 'auth.event', payload: { n: 1 } });
      await waitFor(async () => receiver.requests.length === 1, 'the delivery to arrive');
      expect(receiver.requests[0]!.headers.authorization).toBe(`Bearer ${tokens.issued[0]}`);

      // The token endpoint now refuses the client: the attempt fails as AUTHENTICATION with its status.
      tokens.answer = { status: 400, body: JSON.stringify({ error: 'unauthorized_client' }) };
      const rotated = await herald.graphql(UPDATE, { input: { id: endpointId, authentication: { oauth2: { tokenUrl: tokens.url, clientId: 'herald-2' } } } }, key);
      // Absent, the client secret is kept.
      expect(rotated.data!.updateEndpoint.endpoint.authentication.oauth2).toMatchObject({ clientId: 'herald-2', clientSecretSet: true });
      await publishEvent(withKey(herald, key), { type: 'auth.event', payload: { n: 2 } });
      await waitFor(async () => (await herald.db.attempt.count({ where: { errorKind: 'AUTHENTICATION' } })) === 1, 'the AUTHENTICATION attempt');
      const failed = await herald.db.attempt.findFirstOrThrow({ where: { errorKind: 'AUTHENTICATION' } });
      expect(failed.errorMessage).toBe('the token endpoint answered HTTP 400 (unauthorized_client)');
      expect(tokens.requests.at(-1)!.authorization).toBe(`Basic ${Buffer.from(`herald-2:${encodeURIComponent(SECRET).replace('!', '%21')}`).toString('base64')}`);
      expect(receiver.requests).toHaveLength(1);

      // null removes the settings.
      const removed = await herald.graphql(UPDATE, { input: { id: endpointId, authentication: null } }, key);
      expect(removed.data!.updateEndpoint.endpoint.authentication).toBeNull();

      const everything = JSON.stringify([created, rotated, removed, await herald.db.attempt.findMany()]) + lines.join('\n');
      expect(lines.length).toBeGreaterThan(0);
      expect(everything).not.toContain(SECRET);
      for (const token of tokens.issued) expect(everything).not.toContain(token);
    } finally {
      await herald.close();
    }
  }, 120_000);
});
