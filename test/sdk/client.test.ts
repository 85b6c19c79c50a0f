// The SDK against a live Herald on a real port: typed methods over fetch, typed error unions
// returned for narrowing, auth failures thrown as HeraldAuthError, and subscriptions as async
// iterables over graphql-ws that follow a delivery to SUCCEEDED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient, HeraldAuthError, HeraldRequestError, type HeraldClient } from '../../sdk/src/index.ts';
import type { HeraldSubscription } from '../../sdk/src/transport.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let receiver: Receiver;
let client: HeraldClient;
const clients: HeraldClient[] = [];

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 150], deliveryTimeoutMs: 2_000 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'invoice.paid' } });
  server = await herald.listen();
  receiver = await startReceiver();
  client = connect((await herald.organization('sdk-client')).key);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await server.close();
  await receiver.close();
  await herald.close();
});

function connect(apiKey: string): HeraldClient {
  const c = createHeraldClient({ url: server.url, apiKey });
  clients.push(c);
  return c;
}

/** Consumes a subscription in the background; resolves once Herald has acknowledged it (`ready`). */
async function follow<T>(subscription: HeraldSubscription<T>) {
  const items: T[] = [];
  const failure = (async () => {
    try {
      for await (const item of subscription) items.push(item);
      return null;
    } catch (error) {
      return error;
    }
  })();
  await subscription.ready;
  return { items, failure };
}

describe('queries and mutations', () => {
  it('creates an endpoint and reads it back, fully typed', async () => {
    const created = await client.createEndpoint({ url: `${receiver.url}/typed`, eventTypes: ['invoice.*'], name: 'Typed' });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(`unexpected ${created.__typename}`);
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.endpoint).toMatchObject({ name: 'Typed', eventTypes: ['invoice.*'], signatureScheme: 'STANDARD_WEBHOOKS', active: true });

    const read = await client.endpoint(created.endpoint.id);
    expect(read?.url).toBe(`${receiver.url}/typed`);

    const page = await client.endpoints({ first: 10 });
    expect(page.edges.map((edge) => edge.node.id)).toContain(created.endpoint.id);
  });

  it('returns a ValidationError to narrow on, not a thrown error', async () => {
    const result = await client.createEndpoint({ url: 'not a url', eventTypes: [] });
    switch (result.__typename) {
      case 'ValidationError':
        expect(result.fields.map((field) => field.path.join('.'))).toEqual(expect.arrayContaining(['url', 'eventTypes']));
        break;
      default:
        throw new Error(`expected a ValidationError, got ${result.__typename}`);
    }
  });

  it('returns NotFoundError for an id of another organization, and null from node queries', async () => {
    const other = connect((await herald.organization('sdk-other')).key);
    const theirs = await other.createEndpoint({ url: `${receiver.url}/theirs`, eventTypes: ['*'] });
    if (theirs.__typename !== 'CreateEndpointPayload') throw new Error(theirs.__typename);

    expect(await client.endpoint(theirs.endpoint.id)).toBeNull();
    const toggled = await client.toggleEndpoint({ id: theirs.endpoint.id, active: false });
    expect(toggled.__typename).toBe('NotFoundError');
    // A node query for one type answers null for an id of another type.
    expect(await other.delivery(theirs.endpoint.id)).toBeNull();
  });

  it('throws HeraldAuthError for a bad key and for a missing scope', async () => {
    const stranger = connect('hk_not_a_real_key');
    await expect(stranger.endpoints()).rejects.toMatchObject({ name: 'HeraldAuthError', code: 'UNAUTHENTICATED' });

    const readOnly = connect((await herald.organization('sdk-read-only', ['endpoints:read'])).key);
    const refused = await readOnly.createEndpoint({ url: `${receiver.url}/x`, eventTypes: ['*'] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HeraldAuthError);
    expect((refused as HeraldAuthError).code).toBe('FORBIDDEN');
  });

  it('throws HeraldRequestError for an error outside the contract', async () => {
    const bad = await client.endpoints({ first: 1_000 }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(HeraldRequestError);
    expect((bad as HeraldRequestError).status).toBeGreaterThanOrEqual(200);
  });
});

describe('subscriptions', () => {
  it('streams a delivery to SUCCEEDED after publishing', async () => {
    const created = await client.createEndpoint({ url: `${receiver.url}/live`, eventTypes: ['invoice.paid'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.__typename);
    const subscription = client.deliveryUpdated({ filter: { endpointId: created.endpoint.id } });
    const { items } = await follow(subscription);

    const published = await client.publishEvent({ type: 'invoice.paid', payload: { invoice: 'in_1', amount: 4200 } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
    const delivery = published.deliveries.find((d) => d.endpoint.id === created.endpoint.id);

    await waitFor(async () => items.some((item) => item?.status === 'SUCCEEDED'), 'SUCCEEDED over the subscription');
    await subscription.return();
    const statuses = items.filter((item) => item?.id === delivery!.id).map((item) => item!.status);
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    const done = items.find((item) => item?.status === 'SUCCEEDED')!;
    expect(done.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 200, error: null })]);
    expect(done.event).toEqual({ id: published.event.id, type: 'invoice.paid' });
  });

  it('after `await sub.ready`, sees every transition from PENDING, each item consistent', async () => {
    const created = await client.createEndpoint({ url: `${receiver.url}/ready`, eventTypes: ['invoice.paid'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.__typename);
    for (let round = 0; round < 5; round++) {
      const sub = client.deliveryUpdated({ filter: { endpointId: created.endpoint.id } });
      await sub.ready;
      const published = await client.publishEvent({ type: 'invoice.paid', payload: { round } });
      if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
      const deliveryId = published.deliveries.find((d) => d.endpoint.id === created.endpoint.id)!.id;
      const seen = [];
      for await (const item of sub) {
        if (item?.id !== deliveryId) continue;
        seen.push(item);
        if (item.status === 'SUCCEEDED') break;
      }
      expect(seen.map((item) => `${item.status}/${item.attemptCount}/${item.attempts.length}/${item.completedAt ? 'done' : 'open'}`)).toEqual([
        'PENDING/0/0/open',
        'SENDING/0/0/open',
        'SUCCEEDED/1/1/done',
      ]);
    }
  });

  it('fails a subscription with a refused key as HeraldAuthError, without reconnecting', async () => {
    const stranger = connect('hk_not_a_real_key');
    const subscription = stranger.deliveryUpdated();
    const error = await subscription.next().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(HeraldAuthError);
    expect((error as HeraldAuthError).code).toBe('UNAUTHENTICATED');
  });
});
