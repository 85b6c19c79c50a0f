// De-risks the HTTP edge against real sockets on 127.0.0.1: every way an answer can go wrong maps
// to its error kind, bodies are cut at 64 KiB, redirects are not followed, sockets are reused, and
// refused addresses (literal, mapped, or behind a host name) are never connected to.
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckedLookup, type Resolver } from '../../src/http/checked-lookup.ts';
import { createHttpSender, type HttpSender } from '../../src/http/http-sender.ts';
import { freePort } from '../support/free-port.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let receiver: Receiver;
let sender: HttpSender;
let connections = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  sender = createHttpSender({ timeoutMs: 400, allowPrivateNetworks: true });
});
afterAll(async () => {
  sender.close();
  await receiver.close();
});

const post = (path: string, target = receiver.url) => sender.send({ url: `${target}${path}`, body: '{"a":1}', headers: { 'content-type': 'application/json' } });

describe('answers', () => {
  it('returns a 2xx with its body', async () => {
    receiver.answer((_req, res) => res.end('thanks'));
    expect(await post('/ok')).toMatchObject({ ok: true, status: 200, responseBody: 'thanks', error: null });
    expect(receiver.requests.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('reports a 503 with its Retry-After', async () => {
    receiver.answer((_req, res) => {
      res.writeHead(503, { 'retry-after': '7' });
      res.end('busy');
    });
    expect(await post('/busy')).toMatchObject({ ok: false, status: 503, retryAfter: '7', error: { kind: 'HTTP_STATUS', message: 'HTTP 503' } });
  });

  it('does not follow a redirect', async () => {
    receiver.answer((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/elsewhere' });
        return void res.end();
      }
      res.end('should not be asked');
    });
    const before = receiver.requests.length;
    const result = await post('/moved');
    expect(result).toMatchObject({ ok: false, status: 302, error: { kind: 'HTTP_STATUS' } });
    expect(result.error?.message).toMatch(/redirects are not followed/);
    expect(receiver.requests.slice(before).map((r) => r.url)).toEqual(['/moved']);
  });

  it('keeps the first 4 KiB of a 10 KiB body, and refuses a body over 64 KiB', async () => {
    receiver.answer((req, res) => res.end('x'.repeat(req.url === '/big' ? 100 * 1024 : 10 * 1024)));
    const kept = await post('/medium');
    expect(kept.ok).toBe(true);
    expect(kept.responseBody).toHaveLength(4096);
    expect(await post('/big')).toMatchObject({ ok: false, status: 200, error: { kind: 'RESPONSE_TOO_LARGE' } });
  });

  it('keeps a body with NUL bytes and invalid UTF-8 as storable text', async () => {
    receiver.answer((_req, res) => res.end(Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0x21])));
    expect(await post('/binary')).toMatchObject({ ok: true, responseBody: 'ok\uFFFD\uFFFD!' });
  });

  it('times out on a receiver that never answers', async () => {
    receiver.answer(() => {});
    expect(await post('/hang')).toMatchObject({ ok: false, status: null, error: { kind: 'TIMEOUT' } });
  });

  it('reports a reset connection and a refused port as CONNECTION', async () => {
    receiver.answer((_req, res) => res.socket?.destroy());
    expect((await post('/reset')).error?.kind).toBe('CONNECTION');
    const closed = await freePort();
    expect(await post('/', `http://127.0.0.1:${closed}`)).toMatchObject({ error: { kind: 'CONNECTION', message: 'connection refused' } });
  });

  it('reports a failed TLS handshake as TLS', async () => {
    const plain = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n'));
    const result = await post('/', `https://127.0.0.1:${(plain.address() as AddressInfo).port}`);
    expect(result.error?.kind).toBe('TLS');
    plain.close();
  });

  it('reuses one keep-alive connection for consecutive sends', async () => {
    const server = await rawHttpCounting();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await post('/1', url);
    await post('/2', url);
    await post('/3', url);
    expect(connections).toBe(1);
    server.close();
  });

  it("gives each pool its own sockets: one endpoint's open requests never queue another's on the same host", async () => {
    const held: ServerResponse[] = [];
    receiver.answer((req, res) => (req.url === '/hold' ? held.push(res) : res.end('ok')));
    const patient = createHttpSender({ timeoutMs: 60_000, allowPrivateNetworks: true });
    try {
      const send = (path: string, pool: string) => patient.send({ url: `${receiver.url}${path}`, body: '{}', headers: {}, pool });
      // 64 open requests fill the silent endpoint's sockets (one more would queue behind them)...
      const holding = Array.from({ length: 64 }, () => send('/hold', 'silent'));
      await waitFor(async () => held.length === 64, '64 held requests');
      // ...and another endpoint on the same host is answered meanwhile.
      expect(await send('/ok', 'healthy')).toMatchObject({ ok: true, responseBody: 'ok' });
      for (const res of held) res.end('late');
      expect((await Promise.all(holding)).every((result) => result.ok)).toBe(true);
    } finally {
      patient.close();
    }
  });
});

describe('address policy', () => {
  it.each(['http://127.0.0.1:PORT/', 'http://[::ffff:127.0.0.1]:PORT/', 'http://169.254.169.254/latest/meta-data', 'http://localhost:PORT/'])(
    'refuses %s without connecting',
    async (template) => {
      const strict = createHttpSender({ timeoutMs: 400, allowPrivateNetworks: false });
      const before = receiver.requests.length;
      const url = template.replace('PORT', new URL(receiver.url).port);
      const result = await strict.send({ url, body: '{}', headers: {} });
      expect(result.error?.kind).toBe('BLOCKED_ADDRESS');
      expect(receiver.requests.length).toBe(before);
      strict.close();
    },
  );

  it('refuses a host name that resolves to a private address, and connects only to what it checked', async () => {
    let lookups = 0;
    // A rebinding resolver: a private address first, loopback next. No query leaves the machine.
    const rebinding: Resolver = (_hostname, _options, callback) => {
      lookups += 1;
      callback(null, [{ address: lookups === 1 ? '10.0.0.5' : '127.0.0.1', family: 4 }]);
    };
    const strict = createHttpSender({
      timeoutMs: 400,
      allowPrivateNetworks: false,
      dnsLookup: createCheckedLookup({ allowPrivateNetworks: false, resolve: rebinding }),
    });
    const before = receiver.requests.length;
    for (let i = 0; i < 2; i++) {
      const result = await strict.send({ url: `http://hooks.example:${new URL(receiver.url).port}/`, body: '{}', headers: {} });
      expect(result.error?.kind).toBe('BLOCKED_ADDRESS');
    }
    expect(lookups).toBe(2);
    expect(receiver.requests.length).toBe(before);
    strict.close();
  });
});

function rawServer(onConnection: (socket: import('node:net').Socket) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(onConnection);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function rawHttpCounting(): Promise<Server> {
  const { createServer: createHttpServer } = await import('node:http');
  const server = createHttpServer((_req, res) => res.end('ok'));
  connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server as unknown as Server;
}
