// A fixed egress (HERALD_EGRESS_PROXY): every delivery leaves through a forward proxy, which is
// asked for the address Herald checked — never a name it would resolve again — so the proxy
// cannot reach what Herald refuses. A real CONNECT/absolute-form proxy on 127.0.0.1 records what
// it was asked; real HTTP and HTTPS receivers record what arrived (Host, SNI).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEgressProxyUrl, parseNoProxy, type EgressProxy } from '../../src/engine/egress-route.ts';
import { createCheckedLookup, type Resolver } from '../../src/http/checked-lookup.ts';
import { createHttpSender, type HttpSender } from '../../src/http/http-sender.ts';
import { startTestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startReceiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

interface Asked {
  method: string;
  target: string;
  host: string | undefined;
  authorization: string | undefined;
}

interface RecordingProxy {
  url: string;
  port: number;
  asked: Asked[];
  /** Answer 407 to anyone without this Proxy-Authorization. */
  requireAuthorization: string | null;
  close(): Promise<void>;
}

async function startProxy(): Promise<RecordingProxy> {
  const asked: Asked[] = [];
  const proxy: RecordingProxy = { url: '', port: 0, asked, requireAuthorization: null, close: async () => {} };
  const refused = (request: IncomingMessage) => proxy.requireAuthorization !== null && request.headers['proxy-authorization'] !== proxy.requireAuthorization;
  const record = (request: IncomingMessage) =>
    asked.push({ method: request.method!, target: request.url!, host: request.headers.host, authorization: request.headers['proxy-authorization'] });
  const server: Server = createHttpServer((request, response) => {
    record(request);
    if (refused(request)) return void response.writeHead(407, { 'proxy-authenticate': 'Basic realm="egress"' }).end();
    const target = new URL(request.url!);
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.writeHead(502, { 'proxy-status': 'test-proxy; error=destination_unavailable' }).end());
    request.pipe(upstream);
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    record(request);
    if (refused(request)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    const [host, port] = [request.url!.slice(0, request.url!.lastIndexOf(':')), request.url!.slice(request.url!.lastIndexOf(':') + 1)];
    const upstream = netConnect({ host: host.replace(/^\[|\]$/g, ''), port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  proxy.close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

/** A self-signed certificate for `localhost`, made with openssl in a folder of its own. */
function localhostCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-egress-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Names resolve here without leaving the machine: localhost, and one name that points at cloud metadata. */
const resolver: Resolver = (hostname, _options, callback) => {
  if (hostname === 'localhost') return callback(null, [{ address: '127.0.0.1', family: 4 }]);
  if (hostname === 'metadata.test') return callback(null, [{ address: '169.254.169.254', family: 4 }]);
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
};

const senders: HttpSender[] = [];
function senderVia(proxy: EgressProxy, trusted?: string): HttpSender {
  const sender = createHttpSender({
    timeoutMs: 5_000,
    allowPrivateNetworks: true,
    dnsLookup: createCheckedLookup({ allowPrivateNetworks: true, resolve: resolver }),
    egressProxy: proxy,
    ...(trusted ? { trustedCertificates: [trusted] } : {}),
  });
  senders.push(sender);
  return sender;
}
const egress = (proxyUrl: string, noProxy = ''): EgressProxy => ({ ...parseEgressProxyUrl(proxyUrl), noProxy: parseNoProxy(noProxy) });

let proxy: RecordingProxy;
let certificate: { key: string; cert: string };
let httpsPort: number;
let httpsServer: Server;
const arrivedOverTls: Array<{ servername: string | false | null; host: string | undefined; body: string }> = [];

beforeAll(async () => {
  proxy = await startProxy();
  certificate = localhostCertificate();
  httpsServer = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      arrivedOverTls.push({ servername: (request.socket as TLSSocket).servername, host: request.headers.host, body });
      response.end('tls ok');
    });
  });
  await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  httpsPort = (httpsServer.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const sender of senders) sender.close();
  httpsServer.closeAllConnections?.();
  await new Promise((resolve) => httpsServer.close(resolve));
  await proxy.close();
});

describe('the egress proxy', () => {
  it('tunnels https:// through CONNECT to the checked address, keeping SNI and Host', async () => {
    proxy.asked.length = 0;
    const result = await senderVia(egress(proxy.url), certificate.cert).send({ url: `https://localhost:${httpsPort}/hooks`, body: '{"n":1}', headers: { 'content-type': 'application/json' } });
    expect({ ok: result.ok, status: result.status, error: result.error, body: result.responseBody }).toEqual({ ok: true, status: 200, error: null, body: 'tls ok' });
    // The proxy was asked for 127.0.0.1, the address the checked lookup returned — not for "localhost".
    expect(proxy.asked).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${httpsPort}`, host: `127.0.0.1:${httpsPort}`, authorization: undefined }]);
    expect(arrivedOverTls.at(-1)).toEqual({ servername: 'localhost', host: `localhost:${httpsPort}`, body: '{"n":1}' });
  });

  it('sends http:// as an absolute-form request naming the checked address, with the Host of the URL', async () => {
    const receiver = await startReceiver((_request, response) => response.end('plain ok'));
    try {
      proxy.asked.length = 0;
      const port = new URL(receiver.url).port;
      const result = await senderVia(egress(proxy.url)).send({ url: `http://localhost:${port}/in?x=1`, body: '{"n":2}', headers: { 'content-type': 'application/json' } });
      expect({ ok: result.ok, status: result.status, body: result.responseBody }).toEqual({ ok: true, status: 200, body: 'plain ok' });
      expect(proxy.asked).toEqual([{ method: 'POST', target: `http://127.0.0.1:${port}/in?x=1`, host: `localhost:${port}`, authorization: undefined }]);
      expect(receiver.requests.at(-1)).toMatchObject({ url: '/in?x=1', body: '{"n":2}' });
      expect(receiver.requests.at(-1)!.headers.host).toBe(`localhost:${port}`);
    } finally {
      await receiver.close();
    }
  });

  it('never asks the proxy for a destination the address policy refuses', async () => {
    proxy.asked.length = 0;
    const sender = senderVia(egress(proxy.url));
    const byName = await sender.send({ url: 'https://metadata.test/latest/meta-data', body: '{}', headers: {} });
    const byNameHttp = await sender.send({ url: 'http://metadata.test/latest/meta-data', body: '{}', headers: {} });
    const literal = await sender.send({ url: 'http://169.254.169.254/latest/meta-data', body: '{}', headers: {} });
    expect([byName.error?.kind, byNameHttp.error?.kind, literal.error?.kind]).toEqual(['BLOCKED_ADDRESS', 'BLOCKED_ADDRESS', 'BLOCKED_ADDRESS']);
    expect(proxy.asked).toEqual([]);
  });

  it('sends Proxy-Authorization from the proxy URL, and reads a 407 as the proxy failing (PROXY), for both schemes', async () => {
    const receiver = await startReceiver((_request, response) => response.end('ok'));
    proxy.requireAuthorization = `Basic ${Buffer.from('egress:s3cret').toString('base64')}`;
    try {
      const port = new URL(receiver.url).port;
      const withoutCredentials = senderVia(egress(proxy.url), certificate.cert);
      const overTls = await withoutCredentials.send({ url: `https://localhost:${httpsPort}/hooks`, body: '{}', headers: {} });
      const plain = await withoutCredentials.send({ url: `http://localhost:${port}/`, body: '{}', headers: {} });
      expect([overTls.error, plain.error]).toEqual([
        { kind: 'PROXY', message: `the egress proxy answered 407 to CONNECT localhost:${httpsPort}` },
        { kind: 'PROXY', message: 'the egress proxy answered HTTP 407' },
      ]);
      const withCredentials = senderVia(egress(proxy.url.replace('http://', 'http://egress:s3cret@')), certificate.cert);
      const accepted = await Promise.all([
        withCredentials.send({ url: `https://localhost:${httpsPort}/hooks`, body: '{}', headers: {} }),
        withCredentials.send({ url: `http://localhost:${port}/`, body: '{}', headers: {} }),
      ]);
      expect(accepted.map((result) => result.status)).toEqual([200, 200]);
      // The credentials are the proxy's: the receiver never sees them.
      expect(receiver.requests.at(-1)!.headers['proxy-authorization']).toBeUndefined();
    } finally {
      proxy.requireAuthorization = null;
      await receiver.close();
    }
  });

  it('reads an unreachable proxy as PROXY, not as the receiver failing', async () => {
    const closed = await startProxy();
    await closed.close();
    const sender = senderVia(egress(closed.url), certificate.cert);
    const [overTls, plain] = await Promise.all([
      sender.send({ url: `https://localhost:${httpsPort}/hooks`, body: '{}', headers: {} }),
      sender.send({ url: 'http://localhost:9/', body: '{}', headers: {} }),
    ]);
    expect([overTls.error?.kind, plain.error?.kind]).toEqual(['PROXY', 'PROXY']);
    expect(overTls.error?.message).toBe('the egress proxy could not be reached (ECONNREFUSED)');
  });

  it('reaches HERALD_EGRESS_NO_PROXY destinations directly', async () => {
    const receiver = await startReceiver((_request, response) => response.end('direct'));
    try {
      proxy.asked.length = 0;
      const port = new URL(receiver.url).port;
      const byDomain = await senderVia(egress(proxy.url, 'internal.example, localhost')).send({ url: `http://localhost:${port}/`, body: '{}', headers: {} });
      const byRange = await senderVia(egress(proxy.url, '127.0.0.0/8')).send({ url: `http://127.0.0.1:${port}/`, body: '{}', headers: {} });
      expect([byDomain.responseBody, byRange.responseBody]).toEqual(['direct', 'direct']);
      expect(proxy.asked).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('a worker with HERALD_EGRESS_PROXY', () => {
  it('delivers through the proxy, and a delivery the proxy failed leaves the endpoint healthy', async () => {
    const receiver = await startReceiver((_request, response) => response.end('ok'));
    const down = await startProxy();
    await down.close();
    const herald = await startTestHerald({ allowPrivateNetworks: true, egressProxy: egress(proxy.url), retryScheduleMs: [0], disableAfterFailures: 1 }, { worker: true });
    try {
      await herald.db.eventType.create({ data: { name: 'egress.event' } });
      const { key } = await herald.organization('egress-worker');
      const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/via-proxy`, eventTypes: ['egress.event'] } }, key);
      expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
      proxy.asked.length = 0;
      await publishEvent(withKey(herald, key), { type: 'egress.event', payload: { n: 1 } });
      await waitFor(async () => receiver.requests.length === 1, 'the delivery to arrive through the proxy');
      expect(proxy.asked.map((asked) => [asked.method, asked.target])).toEqual([['POST', `${receiver.url.replace('localhost', '127.0.0.1')}/via-proxy`]]);
    } finally {
      await herald.close();
    }

    // The same deployment with its proxy down: one attempt, which fails as PROXY, and (though one
    // failed delivery would disable it) the endpoint stays on with no failure counted.
    const broken = await startTestHerald({ allowPrivateNetworks: true, egressProxy: egress(down.url), retryScheduleMs: [0], disableAfterFailures: 1 }, { worker: true });
    try {
      await broken.db.eventType.create({ data: { name: 'egress.event' } });
      const { key } = await broken.organization('egress-proxy-down');
      const created = await broken.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/never`, eventTypes: ['egress.event'] } }, key);
      expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
      await publishEvent(withKey(broken, key), { type: 'egress.event', payload: { n: 2 } });
      await waitFor(async () => (await broken.db.delivery.findFirst({ where: { endpoint: { url: `${receiver.url}/never` } } }))?.status === 'FAILED', 'the delivery to fail');
      const attempts = await broken.db.attempt.findMany({ where: { delivery: { endpoint: { url: `${receiver.url}/never` } } } });
      expect(attempts.map((attempt) => [attempt.errorKind, attempt.errorMessage])).toEqual([['PROXY', 'the egress proxy: connection refused']]);
      const endpoint = await broken.db.endpoint.findFirstOrThrow({ where: { url: `${receiver.url}/never` } });
      expect({ active: endpoint.active, consecutiveFailures: endpoint.consecutiveFailures }).toEqual({ active: true, consecutiveFailures: 0 });
    } finally {
      await broken.close();
      await receiver.close();
    }
  }, 120_000);
});
