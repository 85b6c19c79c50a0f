// De-risks scheduled delivery end to end, with a real worker and a real receiver: an event
// published with deliverAt waits SCHEDULED and reaches the receiver no earlier than deliverAt; a
// cancelled one never arrives (proved by a later control event arriving first); the edge cases
// (past or imminent = now, more than 30 days = a typed error writing nothing, idempotent
// re-publish) behave as docs/scheduled-delivery.md says; lists and live status show SCHEDULED.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { publishEventSelecting, withKey } from '../support/publish.ts';
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

const DAY = 86_400_000;
const PUBLISHED = `__typename ... on PublishEventPayload { event { id deliverAt } deliveries { id status nextAttemptAt } }
  ... on ValidationError { fields { path message } } ... on Error { message }`;
const CANCEL = `mutation($id: ID!) { cancelDelivery(input: { id: $id }) {
  __typename ... on CancelDeliveryPayload { delivery { id status nextAttemptAt completedAt } } ... on InvalidStateError { message status } ... on Error { message } } }`;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 50] }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'reminder.due' } });
  server = await herald.listen();
  receiver = await startReceiver();
  key = (await herald.organization('scheduled')).key;
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

interface PublishAnswer {
  __typename: string;
  event: { id: string; deliverAt: string | null };
  deliveries: Array<{ id: string; status: string; nextAttemptAt: string | null }>;
  fields?: Array<{ path: string[]; message: string }>;
}

const publish = (input: Record<string, unknown>) =>
  publishEventSelecting<PublishAnswer>(withKey(herald, key), { type: 'reminder.due', payload: {}, ...input }, PUBLISHED);

const rowOf = (id: string) => herald.db.delivery.findUniqueOrThrow({ where: { id: idOfType(id, 'Delivery')! } });
const receivedFor = (eventId: string) => receiver.requests.filter((request) => request.headers['webhook-id'] === eventId);

/** Subscribes asking for Herald's acknowledgement (as test/subscriptions/live-status.test.ts does). */
function follow<T>(query: string, variables: Record<string, unknown>) {
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

describe('an event published with deliverAt', () => {
  it('waits SCHEDULED, reaches the receiver no earlier than deliverAt, and live status shows SCHEDULED then SUCCEEDED', async () => {
    const live = follow<{ id: string; status: string; nextAttemptAt: string | null }>(
      `subscription($filter: DeliveryUpdatedFilter) { deliveryUpdated(filter: $filter) { id status nextAttemptAt } }`,
      { filter: { endpointId } },
    );
    await live.ready;
    const deliverAt = new Date(Date.now() + 2_000);
    const published = await publish({ deliverAt: deliverAt.toISOString() });
    expect(published.event.deliverAt).toBe(deliverAt.toISOString());
    expect(published.deliveries).toEqual([{ id: expect.any(String), status: 'SCHEDULED', nextAttemptAt: deliverAt.toISOString() }]);
    const deliveryId = published.deliveries[0]!.id;
    // The first job is queued to start at deliverAt, on the database's clock.
    const [job] = await herald.db.$queryRaw<Array<{ start_after: Date }>>`
      SELECT start_after FROM pgboss.job WHERE name = 'herald-deliver' AND data->>'deliveryId' = ${idOfType(deliveryId, 'Delivery')}`;
    expect(job!.start_after.getTime()).toBe(deliverAt.getTime());

    await waitFor(async () => receivedFor(published.event.id).length > 0, 'the scheduled webhook');
    const [received] = receivedFor(published.event.id);
    expect(received!.receivedAt).toBeGreaterThanOrEqual(deliverAt.getTime());
    await waitFor(async () => live.failures.length > 0 || live.items.some((item) => item.id === deliveryId && item.status === 'SUCCEEDED'), 'SUCCEEDED over live status');
    expect(live.failures).toEqual([]);
    const seen = live.items.filter((item) => item.id === deliveryId);
    expect(seen.map((item) => item.status)).toEqual(['SCHEDULED', 'SENDING', 'SUCCEEDED']);
    expect(seen[0]!.nextAttemptAt).toBe(deliverAt.toISOString());
    expect(await rowOf(deliveryId)).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    await live.stop();
  });

  it('a deliverAt in the past or within a second of now is delivered now (PENDING, no deliverAt kept)', async () => {
    for (const deliverAt of [new Date(Date.now() - 60_000), new Date(Date.now() + 500)]) {
      const published = await publish({ deliverAt: deliverAt.toISOString() });
      expect(published.event.deliverAt).toBeNull();
      expect(published.deliveries.map((delivery) => delivery.status)).toEqual(['PENDING']);
      await waitFor(async () => receivedFor(published.event.id).length > 0, 'the webhook');
    }
  });

  it('more than 30 days ahead is a ValidationError on deliverAt, and nothing is written', async () => {
    const events = await herald.db.event.count();
    const deliveries = await herald.db.delivery.count();
    const refused = await publish({ deliverAt: new Date(Date.now() + 30 * DAY + 60_000).toISOString() });
    expect(refused).toEqual({ __typename: 'ValidationError', message: expect.stringContaining('deliverAt'), fields: [{ path: ['deliverAt'], message: 'must be at most 30 days ahead' }] });

    const batch = await herald.graphql(
      `mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename ... on ValidationError { fields { path } } } }`,
      { input: { events: [{ type: 'reminder.due', payload: {} }, { type: 'reminder.due', payload: {}, deliverAt: new Date(Date.now() + 31 * DAY).toISOString() }] } },
      key,
    );
    expect(batch.data?.publishEvents).toEqual({ __typename: 'ValidationError', fields: [{ path: ['events', '1', 'deliverAt'] }] });
    expect(await herald.db.event.count()).toBe(events);
    expect(await herald.db.delivery.count()).toBe(deliveries);
    // 30 days ahead exactly is accepted.
    const latest = await publish({ deliverAt: new Date(Date.now() + 30 * DAY - 60_000).toISOString() });
    expect(latest.deliveries.map((delivery) => delivery.status)).toEqual(['SCHEDULED']);
    expect((await herald.graphql(CANCEL, { id: latest.deliveries[0]!.id }, key)).data?.cancelDelivery.__typename).toBe('CancelDeliveryPayload');
  });

  it('published again with the same idempotency key answers the first event, whatever deliverAt says', async () => {
    const first = await publish({ idempotencyKey: 'remind-once', deliverAt: new Date(Date.now() + DAY).toISOString() });
    const again = await publish({ idempotencyKey: 'remind-once', deliverAt: new Date(Date.now() + 2 * DAY).toISOString() });
    const now = await publish({ idempotencyKey: 'remind-once' });
    expect(again).toEqual(first);
    expect(now).toEqual(first);
    expect(await herald.db.delivery.count({ where: { eventId: idOfType(first.event.id, 'Event')! } })).toBe(1);
    await herald.graphql(CANCEL, { id: first.deliveries[0]!.id }, key);
  });
});

describe('cancelDelivery', () => {
  it('a cancelled delivery never arrives: a later control event is delivered and it is not', async () => {
    const cancelled = await publish({ payload: { which: 'cancelled' }, deliverAt: new Date(Date.now() + 1_500).toISOString() });
    const control = await publish({ payload: { which: 'control' }, deliverAt: new Date(Date.now() + 2_500).toISOString() });
    const id = cancelled.deliveries[0]!.id;
    const answer = await herald.graphql(CANCEL, { id }, key);
    expect(answer.data?.cancelDelivery).toMatchObject({ __typename: 'CancelDeliveryPayload', delivery: { id, status: 'CANCELLED', nextAttemptAt: null } });
    expect(answer.data?.cancelDelivery.delivery.completedAt).not.toBeNull();

    await waitFor(async () => receivedFor(control.event.id).length > 0, 'the control event, due after the cancelled one');
    // The cancelled delivery's job came due first and found it stale.
    await waitFor(async () => {
      const [job] = await herald.db.$queryRaw<Array<{ state: string }>>`
        SELECT state FROM pgboss.job WHERE name = 'herald-deliver' AND data->>'deliveryId' = ${idOfType(id, 'Delivery')}`;
      return job?.state === 'completed';
    }, 'the cancelled delivery\'s job to run and do nothing');
    expect(receivedFor(cancelled.event.id)).toEqual([]);
    expect(await rowOf(id)).toMatchObject({ status: 'CANCELLED', attemptCount: 0 });
    expect(await herald.db.attempt.count({ where: { deliveryId: idOfType(id, 'Delivery')! } })).toBe(0);
  });

  it('refuses a delivery that is no longer SCHEDULED with InvalidStateError naming its status, and changes nothing', async () => {
    const sent = await publish({});
    const id = sent.deliveries[0]!.id;
    await waitFor(async () => (await rowOf(id)).status === 'SUCCEEDED', 'the delivery to succeed');
    const before = await rowOf(id);
    expect((await herald.graphql(CANCEL, { id }, key)).data?.cancelDelivery).toEqual({
      __typename: 'InvalidStateError',
      message: 'The delivery is SUCCEEDED: it was delivered.',
      status: 'SUCCEEDED',
    });
    expect(await rowOf(id)).toEqual(before);

    const scheduled = await publish({ deliverAt: new Date(Date.now() + DAY).toISOString() });
    const scheduledId = scheduled.deliveries[0]!.id;
    expect((await herald.graphql(CANCEL, { id: scheduledId }, key)).data?.cancelDelivery.__typename).toBe('CancelDeliveryPayload');
    expect((await herald.graphql(CANCEL, { id: scheduledId }, key)).data?.cancelDelivery).toMatchObject({ __typename: 'InvalidStateError', status: 'CANCELLED' });
  });

  it('needs deliveries:write, and another organization\'s delivery is not found', async () => {
    const scheduled = await publish({ deliverAt: new Date(Date.now() + DAY).toISOString() });
    const id = scheduled.deliveries[0]!.id;
    const reader = (await herald.organization('scheduled-reader', ['deliveries:read'])).key;
    const refused = await herald.graphql(CANCEL, { id }, reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stranger = (await herald.organization('scheduled-stranger')).key;
    expect((await herald.graphql(CANCEL, { id }, stranger)).data?.cancelDelivery).toEqual({ __typename: 'NotFoundError', message: 'Delivery not found' });
    expect((await rowOf(id)).status).toBe('SCHEDULED');
    await herald.graphql(CANCEL, { id }, key);
  });
});

describe('cancelScheduledEvent', () => {
  const CANCEL_EVENT = `mutation($id: ID!) { cancelScheduledEvent(input: { id: $id }) {
    __typename ... on CancelScheduledEventPayload { count event { id } deliveries { id status } } ... on InvalidStateError { message status } ... on Error { message } } }`;

  it('cancels every still-SCHEDULED delivery of the event, one per endpoint, and neither arrives', async () => {
    await herald.db.eventType.create({ data: { name: 'fanout.due' } });
    const second = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/second`, eventTypes: ['fanout.*'] } }, key);
    const secondId = second.data!.createEndpoint.endpoint.id;
    try {
      const scheduled = await publishEventSelecting<PublishAnswer>(withKey(herald, key), { type: 'fanout.due', payload: {}, deliverAt: new Date(Date.now() + 1_500).toISOString() }, PUBLISHED);
      expect(scheduled.deliveries.map((delivery) => delivery.status)).toEqual(['SCHEDULED', 'SCHEDULED']);
      const answer = await herald.graphql(CANCEL_EVENT, { id: scheduled.event.id }, key);
      expect(answer.data?.cancelScheduledEvent).toEqual({
        __typename: 'CancelScheduledEventPayload',
        count: 2,
        event: { id: scheduled.event.id },
        deliveries: scheduled.deliveries.map((delivery) => ({ id: delivery.id, status: 'CANCELLED' })).sort((a, b) => (a.id < b.id ? -1 : 1)),
      });
      expect((await herald.graphql(CANCEL_EVENT, { id: scheduled.event.id }, key)).data?.cancelScheduledEvent).toEqual({
        __typename: 'InvalidStateError',
        message: 'No delivery of the event is SCHEDULED anymore: CANCELLED.',
        status: 'CANCELLED',
      });
      const control = await publishEventSelecting<PublishAnswer>(withKey(herald, key), { type: 'fanout.due', payload: {}, deliverAt: new Date(Date.now() + 2_500).toISOString() }, PUBLISHED);
      await waitFor(async () => receivedFor(control.event.id).length === 2, 'the control event at both endpoints');
      expect(receivedFor(scheduled.event.id)).toEqual([]);
    } finally {
      await herald.graphql(TOGGLE_ENDPOINT, { input: { id: secondId, active: false } }, key);
    }
  });

  it('an event sent already answers InvalidStateError; an unknown one NotFoundError', async () => {
    const sent = await publish({});
    await waitFor(async () => (await rowOf(sent.deliveries[0]!.id)).status === 'SUCCEEDED', 'the delivery to succeed');
    expect((await herald.graphql(CANCEL_EVENT, { id: sent.event.id }, key)).data?.cancelScheduledEvent).toMatchObject({ __typename: 'InvalidStateError', status: 'SUCCEEDED' });
    const stranger = (await herald.organization('scheduled-event-stranger')).key;
    expect((await herald.graphql(CANCEL_EVENT, { id: sent.event.id }, stranger)).data?.cancelScheduledEvent).toEqual({ __typename: 'NotFoundError', message: 'Event not found' });
  });
});

describe('SCHEDULED elsewhere', () => {
  it('lists filter by status SCHEDULED, and retryDelivery refuses a SCHEDULED delivery', async () => {
    const scheduled = await publish({ deliverAt: new Date(Date.now() + DAY).toISOString() });
    const id = scheduled.deliveries[0]!.id;
    const listed = await herald.graphql(`query { deliveries(filter: { status: SCHEDULED }) { edges { node { id status event { id } } } } }`, {}, key);
    expect(listed.data?.deliveries.edges).toEqual([{ node: { id, status: 'SCHEDULED', event: { id: scheduled.event.id } } }]);
    const retried = await herald.graphql(`mutation($id: ID!) { retryDelivery(input: { id: $id }) { __typename ... on InvalidStateError { status } } }`, { id }, key);
    expect(retried.data?.retryDelivery).toEqual({ __typename: 'InvalidStateError', status: 'SCHEDULED' });
    await herald.graphql(CANCEL, { id }, key);
    const none = await herald.graphql(`query { deliveries(filter: { status: SCHEDULED }) { edges { node { id } } } }`, {}, key);
    expect(none.data?.deliveries.edges).toEqual([]);
  });

  it('turning the endpoint off cancels its SCHEDULED deliveries, as it cancels pending ones', async () => {
    const scheduled = await publish({ deliverAt: new Date(Date.now() + DAY).toISOString() });
    const id = scheduled.deliveries[0]!.id;
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active: false } }, key);
    try {
      expect(await rowOf(id)).toMatchObject({ status: 'CANCELLED', nextAttemptAt: null });
    } finally {
      await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active: true } }, key);
    }
  });
});
