// De-risks live status as integrators use it: subscribe, wait for Herald's acknowledgement, act,
// and see every transition of what followed, in order, from the first, each item one consistent
// state of its row (never a PENDING with a completedAt, never a SUCCEEDED missing its attempt).
// Real worker, real receiver on 127.0.0.1, real graphql-ws clients; repeated to catch races.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let receiver: Receiver;
let key: string;
let endpointId: string;
let socket: Client;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 50] }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'order.placed' } });
  server = await herald.listen();
  receiver = await startReceiver();
  key = (await herald.organization('live-status')).key;
  endpointId = (await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/hook`, eventTypes: ['*'] } }, key)).data!.createEndpoint.endpoint.id;
  socket = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: { authorization: `Bearer ${key}` },
    onNonLazyError: () => undefined,
  });
});
afterAll(async () => {
  await socket.dispose();
  await server.close();
  await receiver.close();
  await herald.close();
});

const DELIVERY = `id status attemptCount nextAttemptAt lastStatusCode lastError completedAt attempts { number responseStatus }`;
const DELIVERY_UPDATED = `subscription($filter: DeliveryUpdatedFilter) { deliveryUpdated(filter: $filter) { ${DELIVERY} } }`;
const ENDPOINT_UPDATED = `subscription { endpointUpdated { id active disabledReason consecutiveFailures } }`;

interface Item {
  id: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  completedAt: string | null;
  attempts: Array<{ number: number; responseStatus: number | null }>;
}

/** Subscribes asking for the acknowledgement; `ready` resolves on it, and it is not an item. */
function follow<T>(query: string, variables: Record<string, unknown> = {}) {
  const items: T[] = [];
  const failures: unknown[] = [];
  let acknowledged!: () => void;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  const iterator = socket.iterate({ query, variables, extensions: { herald: { ready: true } } });
  let first = true;
  void (async () => {
    try {
      for await (const result of iterator) {
        if (first) {
          first = false;
          expect(result).toEqual({ extensions: { herald: { subscribed: true } } });
          acknowledged();
        } else if (result.errors) failures.push(result.errors);
        else items.push(Object.values(result.data as Record<string, T>)[0]!);
      }
    } catch (error) {
      failures.push(error);
    }
  })();
  return { items, failures, ready, stop: () => iterator.return?.() };
}

async function publish(): Promise<{ eventId: string; deliveryId: string }> {
  const { eventId, deliveryIds } = await publishEvent(withKey(herald, key), { type: 'order.placed', payload: {} });
  return { eventId, deliveryId: deliveryIds[0]! };
}

/** Every item is one state: its fields agree with its status and attempt count. */
function expectConsistent(item: Item) {
  expect(item.attempts.map((attempt) => attempt.number)).toEqual(Array.from({ length: item.attemptCount }, (_, i) => i + 1));
  const last = item.attempts.at(-1);
  expect(item.lastStatusCode).toBe(last?.responseStatus ?? null);
  switch (item.status) {
    case 'PENDING':
    case 'SENDING':
      expect(item.completedAt).toBeNull();
      break;
    case 'RETRYING':
      expect(item.nextAttemptAt).not.toBeNull();
      expect(item.completedAt).toBeNull();
      expect(item.lastError).not.toBeNull();
      break;
    case 'SUCCEEDED':
      expect(item.completedAt).not.toBeNull();
      expect(item.nextAttemptAt).toBeNull();
      expect(item.lastError).toBeNull();
      expect(item.attemptCount).toBeGreaterThan(0);
      break;
    default:
      throw new Error(`unexpected status ${item.status}`);
  }
}

async function untilDone(sub: ReturnType<typeof follow<Item>>, deliveryId: string) {
  await waitFor(async () => sub.failures.length > 0 || sub.items.some((item) => item.id === deliveryId && item.status === 'SUCCEEDED'), 'SUCCEEDED');
  expect(sub.failures).toEqual([]);
  return sub.items.filter((item) => item.id === deliveryId);
}

describe('deliveryUpdated', () => {
  it('after the acknowledgement, every transition from the first, 50 times over', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    for (let round = 0; round < 50; round++) {
      const sub = follow<Item>(DELIVERY_UPDATED, { filter: { endpointId } });
      await sub.ready;
      const { deliveryId } = await publish();
      const seen = await untilDone(sub, deliveryId);
      expect(seen.map((item) => item.status), `round ${round}`).toEqual(['PENDING', 'SENDING', 'SUCCEEDED']);
      expect(seen.map((item) => item.attemptCount)).toEqual([0, 0, 1]);
      seen.forEach(expectConsistent);
      expect(seen[0]).toMatchObject({ attempts: [], completedAt: null, lastStatusCode: null });
      expect(seen[2]).toMatchObject({ attempts: [{ number: 1, responseStatus: 200 }], lastStatusCode: 200 });
      await sub.stop();
    }
  });

  it('a failure, a retry and a success, each item its own state', async () => {
    const answered = new Map<string, number>();
    receiver.answer((req, res) => {
      const id = req.headers['webhook-id'] as string;
      const calls = (answered.get(id) ?? 0) + 1;
      answered.set(id, calls);
      res.statusCode = calls === 1 ? 503 : 204;
      res.end();
    });
    for (let round = 0; round < 5; round++) {
      const sub = follow<Item>(DELIVERY_UPDATED, { filter: { endpointId } });
      await sub.ready;
      const { deliveryId } = await publish();
      const seen = await untilDone(sub, deliveryId);
      expect(seen.map((item) => item.status), `round ${round}`).toEqual(['PENDING', 'SENDING', 'RETRYING', 'SENDING', 'SUCCEEDED']);
      expect(seen.map((item) => item.attemptCount)).toEqual([0, 0, 1, 1, 2]);
      seen.forEach(expectConsistent);
      expect(seen[2]).toMatchObject({ lastStatusCode: 503, attempts: [{ number: 1, responseStatus: 503 }] });
      expect(seen[4]).toMatchObject({ lastStatusCode: 204, attempts: [{ number: 1 }, { number: 2, responseStatus: 204 }] });
      await sub.stop();
    }
  });

  it('a late subscriber by deliveryId starts with the current state, then what follows', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const { deliveryId, eventId } = await publish();
    const statusNow = async () => (await herald.graphql(`query($id: ID!) { node(id: $id) { ... on Delivery { status } } }`, { id: deliveryId }, key)).data?.node?.status;
    await waitFor(async () => (await statusNow()) === 'SUCCEEDED', 'the delivery to succeed');

    const late = follow<Item>(DELIVERY_UPDATED, { filter: { deliveryId } });
    const byEvent = follow<Item>(DELIVERY_UPDATED, { filter: { eventId } });
    await late.ready;
    await byEvent.ready;
    await waitFor(async () => late.items.length > 0 && byEvent.items.length > 0, 'the current state');
    expect(late.items.map((item) => item.status)).toEqual(['SUCCEEDED']);
    expect(byEvent.items.map((item) => item.status)).toEqual(['SUCCEEDED']);
    expect(late.items[0]).toMatchObject({ id: deliveryId, attemptCount: 1, attempts: [{ number: 1 }] });

    const retried = await herald.graphql(`mutation($input: RetryDeliveryInput!) { retryDelivery(input: $input) { __typename } }`, { input: { id: deliveryId } }, key);
    expect(retried.data!.retryDelivery.__typename).toBe('RetryDeliveryPayload');
    await waitFor(async () => late.items.length >= 4 && byEvent.items.length >= 4, 'the retry to succeed');
    for (const sub of [late, byEvent]) {
      expect(sub.failures).toEqual([]);
      expect(sub.items.map((item) => `${item.status}/${item.attemptCount}`)).toEqual(['SUCCEEDED/1', 'PENDING/1', 'SENDING/1', 'SUCCEEDED/2']);
      sub.items.forEach(expectConsistent);
      await sub.stop();
    }
  });
});

describe('endpointUpdated', () => {
  it('turned off and on: exactly those two states, each consistent', async () => {
    const sub = follow<{ id: string; active: boolean; disabledReason: string | null; consecutiveFailures: number }>(ENDPOINT_UPDATED);
    await sub.ready;
    for (const active of [false, true]) {
      await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active } }, key);
    }
    await waitFor(async () => sub.items.length >= 2 || sub.failures.length > 0, 'both toggles');
    expect(sub.failures).toEqual([]);
    expect(sub.items).toEqual([
      { id: endpointId, active: false, disabledReason: 'MANUAL', consecutiveFailures: 0 },
      { id: endpointId, active: true, disabledReason: null, consecutiveFailures: 0 },
    ]);
    await sub.stop();
  });
});
