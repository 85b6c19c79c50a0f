// De-risks live delivery status: real graphql-ws clients (no retries, so a broken test fails fast)
// and SSE on a real port see every status of a delivery in order, only their own organization's,
// only with a valid key; endpoint changes are announced; a client that leaves releases its listener.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent, withKey, type Published } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let receiver: Receiver;
let alice: { key: string };
let bob: { key: string };
let aliceEndpoint: string;
let bobEndpoint: string;
const clients: Client[] = [];

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 150], deliveryTimeoutMs: 1_000 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'ticket.opened' } });
  server = await herald.listen();
  receiver = await startReceiver();
  alice = await herald.organization('alice-live');
  bob = await herald.organization('bob-live');
  aliceEndpoint = (await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/alice`, eventTypes: ['*'] } }, alice.key)).data!.createEndpoint.endpoint.id;
  bobEndpoint = (await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/bob`, eventTypes: ['*'] } }, bob.key)).data!.createEndpoint.endpoint.id;
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await server.close();
  await receiver.close();
  await herald.close();
});

function client(key: string | null): Client {
  const c = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    onNonLazyError: () => undefined,
  });
  clients.push(c);
  return c;
}

const DELIVERY_UPDATED = `subscription($filter: DeliveryUpdatedFilter) { deliveryUpdated(filter: $filter) { id status attemptCount endpoint { id } } }`;

/** Subscribes and resolves on Herald's acknowledgement (src/graphql/subscription-ready.ts), or a refusal. */
async function subscribe(c: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: Array<Record<string, any>> = [];
  const errors: unknown[] = [];
  let acknowledged = false;
  const iterator = c.iterate({ query, variables, extensions: { herald: { ready: true } } });
  void (async () => {
    try {
      for await (const result of iterator) {
        if (!acknowledged && !result.data && !result.errors) acknowledged = true;
        else if (result.errors) errors.push(result.errors);
        else events.push(result.data as Record<string, any>);
      }
    } catch (error) {
      errors.push(error);
    }
  })();
  await waitFor(async () => acknowledged || errors.length > 0, 'the subscription to start');
  return {
    events,
    errors,
    // Waits until the server has released the listener, so the next subscribe counts cleanly.
    stop: async () => {
      const open = herald.feed.target.listenerCount();
      await iterator.return?.();
      await waitFor(async () => herald.feed.target.listenerCount() < open, 'the listener to be released');
    },
  };
}

const publish = async (key: string) => (await publishEvent(withKey(herald, key), { type: 'ticket.opened', payload: { n: 1 } })).deliveryIds[0]!;

describe('deliveryUpdated over graphql-ws', () => {
  it('sends every status of a delivery, in order', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const sub = await subscribe(client(alice.key), DELIVERY_UPDATED, { filter: { endpointId: aliceEndpoint } });
    const deliveryId = await publish(alice.key);
    await waitFor(async () => sub.events.some((e) => e.deliveryUpdated?.status === 'SUCCEEDED'), 'SUCCEEDED');
    const mine = sub.events.map((e) => e.deliveryUpdated).filter((d) => d.id === deliveryId);
    expect(mine.map((d) => d.status)).toEqual(['PENDING', 'SENDING', 'SUCCEEDED']);
    expect(mine.at(-1)).toMatchObject({ attemptCount: 1, endpoint: { id: aliceEndpoint } });
    await sub.stop();
  });

  it('follows a retry: RETRYING, then SENDING again, then SUCCEEDED', async () => {
    let calls = 0;
    receiver.answer((_req, res) => {
      calls += 1;
      res.statusCode = calls === 1 ? 503 : 200;
      res.end();
    });
    const sub = await subscribe(client(alice.key), DELIVERY_UPDATED, { filter: { endpointId: aliceEndpoint } });
    const deliveryId = await publish(alice.key);
    await waitFor(async () => sub.events.some((e) => e.deliveryUpdated?.id === deliveryId && e.deliveryUpdated.status === 'SUCCEEDED'), 'SUCCEEDED');
    const statuses = sub.events.map((e) => e.deliveryUpdated).filter((d) => d.id === deliveryId).map((d) => d.status);
    expect(statuses).toEqual(['PENDING', 'SENDING', 'RETRYING', 'SENDING', 'SUCCEEDED']);
    await sub.stop();
  });

  it('filters by deliveryId and by eventId', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const published: Published[] = [];
    for (let i = 0; i < 2; i++) published.push(await publishEvent(withKey(herald, alice.key), { type: 'ticket.opened', payload: {} }));
    const [first, second] = published as [(typeof published)[0], (typeof published)[0]];
    for (const p of published) {
      await waitFor(async () => (await herald.db.delivery.count({ where: { status: 'SUCCEEDED', event: { id: p.eventId.replace(/^evt_(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') } } })) === 1, 'delivered');
    }
    const byDelivery = await subscribe(client(alice.key), DELIVERY_UPDATED, { filter: { deliveryId: first.deliveryIds[0]! } });
    const byEvent = await subscribe(client(alice.key), DELIVERY_UPDATED, { filter: { eventId: second.eventId } });
    const retry = 'mutation($input: RetryDeliveryInput!) { retryDelivery(input: $input) { __typename } }';
    await herald.graphql(retry, { input: { id: first.deliveryIds[0]! } }, alice.key);
    await herald.graphql(retry, { input: { id: second.deliveryIds[0]! } }, alice.key);
    await waitFor(async () => byDelivery.events.some((e) => e.deliveryUpdated.status === 'SUCCEEDED') && byEvent.events.some((e) => e.deliveryUpdated.status === 'SUCCEEDED'), 'both retries');
    expect(new Set(byDelivery.events.map((e) => e.deliveryUpdated.id))).toEqual(new Set([first.deliveryIds[0]!]));
    expect(new Set(byEvent.events.map((e) => e.deliveryUpdated.id))).toEqual(new Set([second.deliveryIds[0]!]));
    await byDelivery.stop();
    await byEvent.stop();
  });

  it("never shows another organization's deliveries", async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const bobs = await subscribe(client(bob.key), DELIVERY_UPDATED);
    const aliceDelivery = await publish(alice.key);
    const bobDelivery = await publish(bob.key);
    await waitFor(async () => bobs.events.some((e) => e.deliveryUpdated?.id === bobDelivery && e.deliveryUpdated.status === 'SUCCEEDED'), "bob's delivery");
    await waitFor(async () => (await herald.db.delivery.count({ where: { status: 'SUCCEEDED' } })) > 0, 'deliveries');
    expect(bobs.events.every((e) => e.deliveryUpdated.endpoint.id === bobEndpoint)).toBe(true);
    expect(bobs.events.some((e) => e.deliveryUpdated.id === aliceDelivery)).toBe(false);
    await bobs.stop();
  });

  it('closes a socket without a valid key', async () => {
    const closed = new Promise<number>((resolve) => {
      const c = createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: 'Bearer hrld_org_nope' },
        on: { closed: (event) => resolve((event as { code: number }).code) },
        onNonLazyError: () => undefined,
      });
      clients.push(c);
    });
    expect(await closed).toBe(4403);
  });

  it('closes the socket of a key revoked after the subscription began, and sends it nothing more', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const carol = await herald.organization('carol-live');
    await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/carol`, eventTypes: ['*'] } }, carol.key);
    const sub = await subscribe(client(carol.key), DELIVERY_UPDATED);
    await publish(carol.key);
    await waitFor(async () => sub.events.length > 0, 'a first event');
    await herald.db.apiKey.updateMany({ where: { organization: { slug: 'carol-live' } }, data: { revokedAt: new Date() } });
    // The key is looked at again within a second while events flow; publish until it is.
    await waitFor(async () => {
      if (sub.errors.length === 0) {
        await publishEvent(withKey(herald, herald.adminKey), { type: 'ticket.opened', payload: {}, organizationId: carol.globalId });
      }
      return sub.errors.length > 0;
    }, 'the revoked key to be refused');
    // The socket is closed with 4401 (key revoked), not sent an error per event.
    expect((sub.errors[0] as { code?: number }).code).toBe(4401);
    const seen = sub.events.length;
    await publishEvent(withKey(herald, herald.adminKey), { type: 'ticket.opened', payload: {}, organizationId: carol.globalId });
    const carols = { organization: { slug: 'carol-live' } };
    await waitFor(async () => (await herald.db.delivery.count({ where: { ...carols, status: { not: 'SUCCEEDED' } } })) === 0, 'every delivery to succeed');
    expect(sub.events.length).toBe(seen);
    expect(sub.errors).toHaveLength(1);
  });

  it('releases the listener when the client leaves', async () => {
    const before = herald.feed.target.listenerCount();
    const c = client(alice.key);
    const sub = await subscribe(c, DELIVERY_UPDATED);
    expect(herald.feed.target.listenerCount()).toBe(before + 1);
    await c.dispose();
    await waitFor(async () => herald.feed.target.listenerCount() === before, 'the listener to be released');
    void sub;
  });
});

describe('endpointUpdated', () => {
  it('announces an endpoint turned off and on', async () => {
    const sub = await subscribe(client(alice.key), 'subscription { endpointUpdated { id active disabledReason } }');
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: aliceEndpoint, active: false } }, alice.key);
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: aliceEndpoint, active: true } }, alice.key);
    await waitFor(async () => sub.events.length >= 2, 'two endpoint events');
    expect(sub.events.map((e) => e.endpointUpdated)).toEqual([
      { id: aliceEndpoint, active: false, disabledReason: 'MANUAL' },
      { id: aliceEndpoint, active: true, disabledReason: null },
    ]);
    await sub.stop();
  });
});

describe('SSE', () => {
  it('streams deliveryUpdated as server-sent events', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const controller = new AbortController();
    const response = await fetch(server.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${alice.key}` },
      body: JSON.stringify({ query: 'subscription { deliveryUpdated { id status } }' }),
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    await waitFor(async () => herald.feed.target.listenerCount() > 0, 'the SSE subscription');
    const deliveryId = await publish(alice.key);
    let text = '';
    while (!text.includes('SUCCEEDED')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const statuses = [...text.matchAll(/"status":"(\w+)"/g)].map((m) => m[1]);
    expect(text).toContain(deliveryId);
    expect(statuses.at(-1)).toBe('SUCCEEDED');
  });
});
