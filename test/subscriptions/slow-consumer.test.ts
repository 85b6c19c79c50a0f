// De-risks bounded lag: a client that stops reading its socket cannot grow the server or lose
// changes unseen. Its subscriptions fall SUBSCRIPTION_BUFFER changes behind, stop listening, and
// the socket is closed with CLOSE_TOO_SLOW (so a client resumes after its last cursor), while a
// subscriber that reads keeps receiving. A raw graphql-ws client whose TCP socket is paused.
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { CLOSE_TOO_SLOW } from '../../src/graphql/subscription-lag.ts';
import { SUBSCRIPTION_BUFFER } from '../../src/pubsub/bounded.ts';
import { publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { waitFor } from '../support/wait.ts';

const SUBSCRIPTIONS = 100;
const QUERY = `subscription { deliveryUpdated { id status attemptCount nextAttemptAt lastStatusCode lastError completedAt createdAt attempts { number responseStatus } event { id payload } } }`;
/** Large items fill the kernel's socket buffers (up to tens of MiB on loopback) within a few dozen changes. */
const PAYLOAD = { text: 'x'.repeat(8_000) };

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true });
  await herald.db.eventType.create({ data: { name: 'order.placed' } });
  server = await herald.listen();
});
afterAll(async () => {
  await server.close();
  await herald.close();
});

it('closes the socket of a client that does not read with CLOSE_TOO_SLOW, past a bounded buffer', async () => {
  const org = await herald.organization('slow-consumer');
  await herald.graphql(CREATE_ENDPOINT, { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] } }, org.key);
  const baseline = herald.feed.target.listenerCount();
  const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${org.key}` } }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve())); // connection_ack
  for (let i = 0; i < SUBSCRIPTIONS; i++) ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: QUERY } }));
  await waitFor(async () => herald.feed.target.listenerCount() === baseline + SUBSCRIPTIONS, 'the subscriptions to listen');
  // The client stops reading: the kernel's buffers fill, then each subscription's queue.
  (ws as unknown as { _socket: Socket })._socket.pause();

  // A reader of the same organization on a socket of its own.
  const reader = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  let read = 0;
  reader.on('message', (data) => {
    if ((JSON.parse(String(data)) as { type: string }).type === 'next') read++;
  });
  await new Promise<void>((resolve) => reader.once('open', () => resolve()));
  reader.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${org.key}` } }));
  await new Promise<void>((resolve) => reader.once('message', () => resolve()));
  reader.send(JSON.stringify({ id: 'r', type: 'subscribe', payload: { query: 'subscription { deliveryUpdated { id } }' } }));
  await waitFor(async () => herald.feed.target.listenerCount() === baseline + SUBSCRIPTIONS + 1, 'the reader to listen');

  let published = 0;
  const api = withKey(herald, org.key);
  // Until every subscription of the paused socket has given up (stopped listening).
  await waitFor(async () => {
    if (herald.feed.target.listenerCount() === baseline + 1) return true;
    await publishEvents(api, Array.from({ length: 100 }, () => ({ type: 'order.placed', payload: PAYLOAD })));
    published += 100;
    return false;
  }, 'the paused socket to fall too far behind', 240_000);
  expect(published).toBeGreaterThan(SUBSCRIPTION_BUFFER);
  (ws as unknown as { _socket: Socket })._socket.resume();
  expect(await closed).toBe(CLOSE_TOO_SLOW);
  // The reader was not held up by the paused socket: it kept receiving meanwhile.
  expect(read).toBeGreaterThan(100);
  reader.close();
}, 600_000);
