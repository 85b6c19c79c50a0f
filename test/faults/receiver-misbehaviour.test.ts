// Receiver misbehaviour, end to end through the worker: each way a receiver can fail is recorded
// as an attempt with the right error kind, retried on the schedule (never sooner than a step
// minus its jitter), and ends FAILED after the last attempt. Huge and trickling bodies leave the
// worker's memory flat.
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const SCHEDULE_MS = [0, 400, 800];
const JITTER = 0.1;

let herald: TestHerald;
let receiver: Receiver;
let privateTarget: Receiver;
let plainTcp: TcpServer;
let key: string;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, deliveryTimeoutMs: 1_000, retryScheduleMs: SCHEDULE_MS, disableAfterFailures: 1_000 }, { worker: true });
  privateTarget = await startReceiver();
  receiver = await startReceiver((request, response) => {
    switch (request.url) {
      case '/500':
        return void response.writeHead(500).end('boom');
      case '/429':
        return void response.writeHead(429, { 'retry-after': '1' }).end();
      case '/hang':
        return; // never answers
      case '/reset':
        return void response.socket?.destroy();
      case '/huge': {
        // 10 MB offered; Herald reads at most 64 KiB and hangs up.
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < 10 * 1024 * 1024) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        response.on('error', () => undefined);
        return pump();
      }
      case '/trickle': {
        response.writeHead(200);
        const timer = setInterval(() => response.write('.'), 100);
        response.on('close', () => clearInterval(timer));
        return;
      }
      case '/binary':
        // NUL bytes and invalid UTF-8: PostgreSQL text cannot hold a NUL.
        return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0xfe, 0x21]));
      case '/redirect':
        return void response.writeHead(302, { location: `${privateTarget.url}/internal` }).end();
      default:
        return void response.writeHead(404).end();
    }
  });
  // A TCP server that speaks plain HTTP where Herald expects TLS.
  plainTcp = createTcpServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n'));
  await new Promise<void>((resolve) => plainTcp.listen(0, '127.0.0.1', resolve));
  key = (await herald.organization('misbehaving')).key;
});
afterAll(async () => {
  plainTcp.close();
  await privateTarget.close();
  await receiver.close();
  await herald.close();
});

let cases = 0;

/** An endpoint at `url` of its own event type, and one event for it: the delivery's id. */
async function deliverTo(url: string) {
  const type = `misbehave.case${++cases}`;
  await herald.db.eventType.create({ data: { name: type } });
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url, eventTypes: [type] } }, key);
  expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  const published = await publishEvent(withKey(herald, key), { type, payload: { hello: 'world' } });
  return idOfType(published.deliveryIds[0]!, 'Delivery')!;
}

async function finished(deliveryId: string) {
  return waitFor(async () => {
    const row = await herald.db.delivery.findUnique({ where: { id: deliveryId }, include: { attempts: { orderBy: { number: 'asc' } } } });
    return row && (row.status === 'FAILED' || row.status === 'SUCCEEDED') ? row : null;
  }, `delivery ${deliveryId} to finish`, 60_000);
}

it.each([
  ['a 500', '/500', 'HTTP_STATUS'],
  ['a 429 with Retry-After', '/429', 'HTTP_STATUS'],
  ['a hang past the timeout', '/hang', 'TIMEOUT'],
  ['a connection reset', '/reset', 'CONNECTION'],
  ['a 10 MB body', '/huge', 'RESPONSE_TOO_LARGE'],
  ['a slow trickle body', '/trickle', 'TIMEOUT'],
  ['a 302 to a private address', '/redirect', 'HTTP_STATUS'],
] as const)('classifies %s and retries it on schedule', async (_what, path, kind) => {
  const row = await finished(await deliverTo(`${receiver.url}${path}`));
  expect(row.status).toBe('FAILED');
  expect(row.attempts.map((attempt) => attempt.errorKind)).toEqual(SCHEDULE_MS.map(() => kind));
  for (let n = 1; n < row.attempts.length; n++) {
    const previous = row.attempts[n - 1]!;
    const gap = row.attempts[n]!.startedAt.getTime() - (previous.startedAt.getTime() + previous.durationMs);
    expect(gap).toBeGreaterThanOrEqual(SCHEDULE_MS[n]! * (1 - JITTER) - 5);
  }
  if (path === '/redirect') expect(privateTarget.requests).toHaveLength(0);
});

it('records a 2xx whose body holds NUL bytes and invalid UTF-8 (with the bytes replaced)', async () => {
  const row = await finished(await deliverTo(`${receiver.url}/binary`));
  expect(row.status).toBe('SUCCEEDED');
  expect(row.attempts).toHaveLength(1);
  expect(row.attempts[0]).toMatchObject({ responseStatus: 200, errorKind: null, responseBody: 'ok\uFFFD\uFFFD\uFFFD!' });
});

it('classifies a failed TLS handshake as TLS', async () => {
  const row = await finished(await deliverTo(`https://127.0.0.1:${(plainTcp.address() as AddressInfo).port}/`));
  expect(row.attempts.map((attempt) => attempt.errorKind)).toEqual(SCHEDULE_MS.map(() => 'TLS'));
});

it("keeps the worker's memory flat while receivers offer 10 MB bodies", async () => {
  const rssMb = () => process.memoryUsage().rss / 2 ** 20;
  // Warm up first, so the comparison is with a process that has done this before.
  await finished(await deliverTo(`${receiver.url}/huge`));
  const before = rssMb();
  const deliveries = await Promise.all(Array.from({ length: 10 }, () => deliverTo(`${receiver.url}/huge`)));
  for (const id of deliveries) await finished(id);
  // 10 deliveries × 3 attempts × 10 MB = 300 MB offered; reading at most 64 KiB each keeps the
  // process within a small margin of where it started.
  expect(rssMb() - before).toBeLessThan(100);
}, 240_000);
