// De-risks subscriptions at scale: 500 concurrent subscribers all see a delivery's final status;
// thousands of subscribe/unsubscribe and hundreds of connect/disconnect cycles leave no listener or socket
// behind; and a subscriber that does not read cannot make the server buffer without bound.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/pubsub/bounded.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let receiver: Receiver;
let org: { key: string };

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'load.test' } });
  server = await herald.listen();
  receiver = await startReceiver((_req, res) => res.end('ok'));
  org = await herald.organization('scale-co');
  await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/scale`, eventTypes: ['*'] } }, org.key);
});
afterAll(async () => {
  await server.close();
  await receiver.close();
  await herald.close();
});

function connect(): Client {
  return createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${org.key}` } });
}

const QUERY = 'subscription { deliveryUpdated { id status } }';

describe('subscriptions at scale', () => {
  it('delivers the final status to 500 concurrent subscribers', async () => {
    const sockets = Array.from({ length: 50 }, connect);
    const finals = new Set<number>();
    const baseline = herald.feed.target.listenerCount();
    const unsubscribes = sockets.flatMap((socket, s) =>
      Array.from({ length: 10 }, (_, i) =>
        socket.subscribe(
          { query: QUERY },
          {
            next: (result) => {
              if ((result.data as { deliveryUpdated?: { status: string } })?.deliveryUpdated?.status === 'SUCCEEDED') finals.add(s * 10 + i);
            },
            error: () => undefined,
            complete: () => undefined,
          },
        ),
      ),
    );
    await waitFor(async () => herald.feed.target.listenerCount() === baseline + 500, '500 subscriptions', 60_000);
    await publishEvent(withKey(herald, org.key), { type: 'load.test', payload: {} });
    await waitFor(async () => finals.size === 500, 'every subscriber to see SUCCEEDED', 60_000);
    unsubscribes.forEach((unsubscribe) => unsubscribe());
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await waitFor(async () => herald.feed.target.listenerCount() === baseline, 'every listener released');
  }, 120_000);

  // Enough cycles that a leak of one listener or socket per cycle shows as hundreds left behind.
  it('leaves no listener or socket behind after 2,500 subscribe cycles and 250 connect cycles', async () => {
    const baseline = herald.feed.target.listenerCount();
    const sockets = Array.from({ length: 10 }, connect);
    for (let round = 0; round < 250; round++) {
      const unsubscribes = sockets.map((socket) => socket.subscribe({ query: QUERY }, { next: () => undefined, error: () => undefined, complete: () => undefined }));
      await waitFor(async () => herald.feed.target.listenerCount() === baseline + sockets.length, 'the round to subscribe');
      unsubscribes.forEach((unsubscribe) => unsubscribe());
      await waitFor(async () => herald.feed.target.listenerCount() === baseline, 'the round to be released');
    }
    await Promise.all(sockets.map((socket) => socket.dispose()));
    for (let cycle = 0; cycle < 250; cycle++) {
      const socket = connect();
      await new Promise<void>((resolve) => {
        socket.subscribe({ query: QUERY }, { next: () => undefined, error: () => resolve(), complete: () => resolve() });
        socket.on('connected', () => void Promise.resolve(socket.dispose()).then(resolve));
      });
    }
    await waitFor(async () => herald.feed.target.listenerCount() === baseline && server.sockets.openSockets() === 0, 'no listener and no socket left');
  }, 300_000);
});

describe('listen', () => {
  async function drain(iterator: AsyncIterator<number>): Promise<number[]> {
    const rest: number[] = [];
    for (;;) {
      const next = await Promise.race([iterator.next(), new Promise<{ done: true }>((resolve) => setTimeout(() => resolve({ done: true }), 200))]);
      if (next.done) break;
      rest.push(next.value as number);
    }
    return rest;
  }

  it('keeps at most the buffer size for a subscriber that does not read, dropping the oldest', async () => {
    const target = new EventTarget();
    const iterator = listen<number>(target, 'n', () => true, 100)[Symbol.asyncIterator]();
    const first = iterator.next();
    for (let n = 0; n < 5_000; n++) target.dispatchEvent(new CustomEvent('n', { detail: n }));
    expect((await first).value).toBe(0);
    const rest = await drain(iterator);
    expect(rest.length).toBeLessThanOrEqual(100);
    expect(rest.at(-1)).toBe(4_999);
    await iterator.return?.();
  });

  it('queues only what the subscriber keeps, and stops listening when it leaves', async () => {
    const target = new EventTarget();
    let asked = 0;
    const iterator = listen<number>(target, 'n', (n) => (asked++, n % 10 === 0), 100)[Symbol.asyncIterator]();
    const first = iterator.next();
    for (let n = 1; n <= 500; n++) target.dispatchEvent(new CustomEvent('n', { detail: n }));
    expect((await first).value).toBe(10);
    // 50 kept of 500: a buffer of 100 dropped none of them.
    expect(await drain(iterator)).toEqual(Array.from({ length: 49 }, (_, i) => (i + 2) * 10));
    await iterator.return?.();
    const before = asked;
    target.dispatchEvent(new CustomEvent('n', { detail: 1_000 }));
    expect(asked).toBe(before);
  });
});
