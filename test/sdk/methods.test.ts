// Every generated method of the SDK against a live Herald, guarded: the last test enumerates the
// client's methods and its paginate iterators and fails naming any that no test called, so a
// document edited into uselessness (a dropped variable, a wrong selection) cannot pass unnoticed.
// Also: paging with after and with before, the paginate iterators both ways, Date variables, and
// a subscription that survives a dropped socket and says so.
import { createServer as createTcpServer, connect as tcpConnect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient, HeraldAuthError, type ConnectionEvent, type HeraldClient, type HeraldClientOptions } from '../../sdk/src/index.ts';
import type { HeraldSubscription } from '../../sdk/src/transport.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let receiver: Receiver;
let admin: HeraldClient;
let client: HeraldClient;
const clients: HeraldClient[] = [];
const called = new Set<string>();

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 100], deliveryTimeoutMs: 2_000 }, { worker: true });
  server = await herald.listen();
  receiver = await startReceiver();
  admin = connect(herald.adminKey);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await server.close();
  await receiver.close();
  await herald.close();
});

/** A client whose methods (and paginate iterators) record that they were called. */
function connect(apiKey: string, options: Partial<HeraldClientOptions> = {}): HeraldClient {
  const real = createHeraldClient({ url: server.url, apiKey, ...options });
  clients.push(real);
  const track = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(object, key, receiverObject) {
        const value: unknown = Reflect.get(object, key, receiverObject);
        if (typeof key !== 'string' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          called.add(prefix + key);
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  return Object.assign(track(real, ''), { paginate: track(real.paginate, 'paginate.') });
}

/** Consumes a subscription in the background; resolves once Herald has acknowledged it (`ready`). */
async function follow<T>(subscription: HeraldSubscription<T>) {
  const items: T[] = [];
  const done = (async () => {
    for await (const item of subscription) items.push(item);
  })();
  await subscription.ready;
  return { items, done };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

function ok<T extends { __typename: string }, N extends T['__typename']>(result: T, typename: N): Extract<T, { __typename: N }> {
  if (result.__typename !== typename) throw new Error(`expected ${typename}, got ${JSON.stringify(result)}`);
  return result as Extract<T, { __typename: N }>;
}

describe('admin operations', () => {
  it('creates an organization and keys, revokes one, and manages the event catalog', async () => {
    const organization = ok(await admin.createOrganization({ slug: 'sdk-methods', name: 'SDK methods' }), 'CreateOrganizationPayload').organization;
    const key = ok(await admin.createApiKey({ organizationId: organization.id, name: 'main' }), 'CreateApiKeyPayload');
    expect(key.apiKey).toMatchObject({ name: 'main', kind: 'ORGANIZATION', revokedAt: null, organization: { id: organization.id } });
    client = connect(key.key);
    expect(await client.viewer()).toMatchObject({ id: organization.id, slug: 'sdk-methods' });

    const spare = ok(await admin.createApiKey({ organizationId: organization.id, scopes: ['events:read'] }), 'CreateApiKeyPayload');
    const revoked = ok(await admin.revokeApiKey({ id: spare.apiKey.id }), 'RevokeApiKeyPayload');
    expect(revoked.apiKey.revokedAt).not.toBeNull();
    await expect(connect(spare.key).viewer()).rejects.toBeInstanceOf(HeraldAuthError);

    ok(await admin.createEventType({ name: 'order.placed', description: 'An order', schema: { type: 'object', required: ['order'] } }), 'CreateEventTypePayload');
    ok(await admin.createEventType({ name: 'order.legacy' }), 'CreateEventTypePayload');
    const updated = ok(await admin.updateEventType({ name: 'order.legacy', deprecated: true }), 'UpdateEventTypePayload');
    expect(updated.eventType.deprecated).toBe(true);
    expect((await client.eventTypes({ includeDeprecated: false })).map((type) => type.name)).not.toContain('order.legacy');
    expect((await client.eventTypes()).map((type) => type.name)).toEqual(expect.arrayContaining(['order.placed', 'order.legacy']));
  });

  it('creates an operator endpoint, which the admin key then lists (docs/operational-events.md)', async () => {
    const created = ok(await admin.createOperatorEndpoint({ url: `${receiver.url}/operator`, eventTypes: ['herald.*'] }), 'CreateEndpointPayload');
    expect(created.secret).toMatch(/^whsec_/);
    expect((await admin.endpoints()).edges.map((edge) => edge.node.id)).toEqual([created.endpoint.id]);
  });
});

describe('endpoints', () => {
  const ids: string[] = [];

  it('pages through endpoints with after, with before, and with the paginate iterator', async () => {
    for (let n = 1; n <= 5; n++) {
      ids.push(ok(await client.createEndpoint({ url: `${receiver.url}/e${n}`, eventTypes: ['order.*'], name: `e${n}` }), 'CreateEndpointPayload').endpoint.id);
    }
    const newestFirst = [...ids].reverse();

    const first = await client.endpoints({ first: 2 });
    const second = await client.endpoints({ first: 2, after: first.pageInfo.endCursor });
    const third = await client.endpoints({ first: 2, after: second.pageInfo.endCursor });
    expect([first, second, third].map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect([first, second, third].flatMap((page) => page.edges.map((edge) => edge.node.id))).toEqual(newestFirst);

    const last = await client.endpoints({ last: 2 });
    const before = await client.endpoints({ last: 2, before: last.pageInfo.startCursor });
    expect(before.pageInfo.hasPreviousPage).toBe(true);
    expect([...before.edges, ...last.edges].map((edge) => edge.node.id)).toEqual(newestFirst.slice(1));

    expect((await collect(client.paginate.endpoints({}, { pageSize: 2 }))).map((e) => e.id)).toEqual(newestFirst);
    expect((await collect(client.paginate.endpoints({ filter: { active: true } }, { pageSize: 2, direction: 'backward' }))).map((e) => e.id)).toEqual(ids);
  });

  it('reads the audit log of those creations, page by page (docs/audit-log.md)', async () => {
    const created = await client.auditLog({ first: 2, filter: { action: 'endpoint.created' } });
    expect(created.edges.map((edge) => edge.node.targetId)).toEqual([...ids].reverse().slice(0, 2));
    expect(created.edges[0]!.node).toMatchObject({ action: 'endpoint.created', actor: { kind: 'ORGANIZATION_KEY' }, at: expect.any(String) });
    const all = await collect(client.paginate.auditLog({ filter: { action: 'endpoint.created' } }, { pageSize: 2 }));
    expect(all.map((entry) => entry.targetId)).toEqual([...ids].reverse());
  });

  it('reads, updates, rotates, toggles (seen by endpointUpdated) and deletes an endpoint', async () => {
    const id = ids[0]!;
    expect(await client.endpoint(id)).toMatchObject({ id, name: 'e1' });
    const updated = ok(await client.updateEndpoint({ id, name: 'renamed', headers: [{ name: 'X-Team', value: 'billing' }] }), 'UpdateEndpointPayload');
    expect(updated.endpoint).toMatchObject({ name: 'renamed', headers: [{ name: 'X-Team', value: 'billing' }] });
    const rotated = ok(await client.rotateEndpointSecret({ id, gracePeriodSeconds: 60 }), 'RotateEndpointSecretPayload');
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.endpoint.previousSecretExpiresAt).not.toBeNull();

    const watched = await follow(client.endpointUpdated());
    ok(await client.toggleEndpoint({ id, active: false }), 'ToggleEndpointPayload');
    await waitFor(async () => watched.items.some((e) => e?.id === id && !e.active), 'endpointUpdated to report the endpoint disabled');
    ok(await client.toggleEndpoint({ id, active: true }), 'ToggleEndpointPayload');
    await waitFor(async () => watched.items.some((e) => e?.id === id && e.active), 'endpointUpdated to report it enabled again');
    expect(ok(await client.pauseEndpoint({ id }), 'PauseEndpointPayload').endpoint.pausedAt).not.toBeNull();
    await waitFor(async () => watched.items.some((e) => e?.id === id && e.pausedAt !== null), 'endpointUpdated to report it paused');
    expect(ok(await client.resumeEndpoint({ id }), 'ResumeEndpointPayload').endpoint.pausedAt).toBeNull();

    for (const other of ids.slice(1)) expect(ok(await client.deleteEndpoint({ id: other }), 'DeleteEndpointPayload').deletedEndpointId).toBe(other);
    expect(await client.endpoint(ids[1]!)).toBeNull();
  });

  it('sets a payload filter and tests one against a sample payload', async () => {
    const filter = { 'data.amount': { $gte: 100 } };
    const updated = ok(await client.updateEndpoint({ id: ids[0]!, filter }), 'UpdateEndpointPayload');
    expect(updated.endpoint.filter).toEqual(filter);
    expect(ok(await client.testFilter({ filter, payload: { data: { amount: 150 } } }), 'TestFilterPayload')).toEqual({ __typename: 'TestFilterPayload', matches: true, reason: null });
    const missed = ok(await client.testFilter({ filter, payload: { data: { amount: 50 } } }), 'TestFilterPayload');
    expect(missed).toMatchObject({ matches: false, reason: { path: ['filter', 'data.amount', '$gte'], message: 'data.amount is 50, not at least 100' } });
    const refused = ok(await client.testFilter({ filter: { amount: { $gte: true } }, payload: {} }), 'ValidationError');
    expect(refused.fields).toEqual([{ path: ['filter', 'amount', '$gte'], message: 'must be a number or a string' }]);
    // null removes it (the tests below publish to this endpoint).
    expect(ok(await client.updateEndpoint({ id: ids[0]!, filter: null }), 'UpdateEndpointPayload').endpoint.filter).toBeNull();
  });
});

describe('events and deliveries', () => {
  let endpointId: string;

  it('publishes, follows deliveryUpdated, reads events and deliveries page by page, retries and replays', async () => {
    endpointId = (await client.paginate.endpoints().next()).value!.id;
    const watched = await follow(client.deliveryUpdated({ filter: { endpointId } }));
    const startedAt = new Date(Date.now() - 1_000);

    const single = ok(await client.publishEvent({ type: 'order.placed', payload: { order: 'o_1' } }), 'PublishEventPayload');
    const batch = ok(await client.publishEvents({ events: [1, 2, 3].map((n) => ({ type: 'order.placed', payload: { order: `o_${n + 1}` } })) }), 'PublishEventsPayload');
    const eventIds = [single.event.id, ...batch.results.map((result) => result.event.id)];
    const deliveryIds = [single, ...batch.results].map((result) => result.deliveries[0]!.id);
    await waitFor(async () => deliveryIds.every((id) => watched.items.some((d) => d?.id === id && d.status === 'SUCCEEDED')), 'every delivery SUCCEEDED over deliveryUpdated');

    const event = await client.event(single.event.id);
    expect(event).toMatchObject({ type: 'order.placed', payload: { order: 'o_1' }, deliveries: [{ id: deliveryIds[0] }] });
    const eventsFirst = await client.events({ first: 3, filter: { type: 'order.placed', since: startedAt } });
    const eventsRest = await client.events({ first: 3, after: eventsFirst.pageInfo.endCursor, filter: { since: startedAt } });
    expect([...eventsFirst.edges, ...eventsRest.edges].map((edge) => edge.node.id)).toEqual([...eventIds].reverse());
    const eventsBefore = await client.events({ last: 2, before: eventsRest.edges[0]!.cursor });
    expect(eventsBefore.edges.map((edge) => edge.node.id)).toEqual(eventIds.slice(1).reverse().slice(1, 3));
    expect((await collect(client.paginate.events({ filter: { since: startedAt } }, { pageSize: 1 }))).map((e) => e.id)).toEqual([...eventIds].reverse());

    const delivery = await client.delivery(deliveryIds[0]!);
    expect(delivery?.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 200 })]);
    const forensics = await client.deliveryAttempts(deliveryIds[0]!);
    expect(forensics?.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 200, remoteAddress: '127.0.0.1', timings: expect.objectContaining({ totalMs: expect.any(Number) }) })]);
    expect(forensics?.attempts[0]?.requestHeaders).toContainEqual({ name: 'webhook-signature', value: '[redacted]' });
    const deliveriesPage = await client.deliveries({ first: 2, filter: { endpointId, since: startedAt } });
    const deliveriesNext = await client.deliveries({ first: 2, after: deliveriesPage.pageInfo.endCursor, filter: { endpointId } });
    expect([...deliveriesPage.edges, ...deliveriesNext.edges].map((edge) => edge.node.id)).toEqual([...deliveryIds].reverse());
    const all = await collect(client.paginate.deliveries({ filter: { endpointId, since: startedAt, status: 'SUCCEEDED' } }, { pageSize: 3, direction: 'backward' }));
    expect(all.map((d) => d.id)).toEqual(deliveryIds);

    ok(await client.retryDelivery({ id: deliveryIds[0]! }), 'RetryDeliveryPayload');
    await waitFor(async () => (await client.delivery(deliveryIds[0]!))?.attemptCount === 2, 'the retried delivery to be attempted again');
    const replayed = ok(await client.replayDeliveries({ endpointId, since: startedAt, statuses: ['SUCCEEDED'] }), 'ReplayDeliveriesPayload');
    expect(replayed.count).toBeGreaterThanOrEqual(3);
    expect(replayed.deliveries.map((d) => d.endpoint.id)).toEqual(Array(replayed.count).fill(endpointId));
    // Every event it takes has its delivery already: nothing missed.
    expect(ok(await client.replayMissing({ endpointId, since: startedAt }), 'ReplayMissingPayload')).toMatchObject({ count: 0, complete: true });

    const deliverAt = new Date(Date.now() + 3_600_000);
    const later = ok(await client.publishEvent({ type: 'order.placed', payload: { order: 'o_later' }, deliverAt }), 'PublishEventPayload');
    expect(later.event.deliverAt).toBe(deliverAt.toISOString());
    expect(later.deliveries.map((d) => [d.status, d.nextAttemptAt])).toEqual([['SCHEDULED', deliverAt.toISOString()]]);
    const cancelled = ok(await client.cancelDelivery({ id: later.deliveries[0]!.id }), 'CancelDeliveryPayload');
    expect(cancelled.delivery).toMatchObject({ id: later.deliveries[0]!.id, status: 'CANCELLED', nextAttemptAt: null });
    expect(ok(await client.cancelDelivery({ id: later.deliveries[0]!.id }), 'InvalidStateError').status).toBe('CANCELLED');
    const laterStill = ok(await client.publishEvent({ type: 'order.placed', payload: { order: 'o_later_still' }, deliverAt }), 'PublishEventPayload');
    const eventCancelled = ok(await client.cancelScheduledEvent({ id: laterStill.event.id }), 'CancelScheduledEventPayload');
    expect(eventCancelled).toMatchObject({ count: 1, event: { id: laterStill.event.id, deliverAt: deliverAt.toISOString() }, deliveries: [{ status: 'CANCELLED' }] });

    const test = ok(await client.testEndpoint({ id: endpointId }), 'TestEndpointPayload');
    expect(test.delivery).toMatchObject({ isTest: true, endpoint: { id: endpointId }, event: { type: 'webhook.test' } });
  });
});

describe('portal', () => {
  it('mints a session that reads its access, endpoints with stats and the catalog, until revoked', async () => {
    const organizationId = (await client.viewer())!.id;
    const minted = ok(await client.createPortalSession({ readOnly: true, expiresInSeconds: 600 }), 'CreatePortalSessionPayload');
    expect(minted.session).toMatchObject({ kind: 'PORTAL', expiresAt: minted.expiresAt, organization: { id: organizationId } });
    expect(minted.url).toContain(`/portal/#token=${minted.token}`);
    const portal = connect(minted.token);
    expect(await portal.access()).toEqual({
      kind: 'PORTAL', scopes: ['endpoints:read', 'events:read', 'deliveries:read'], readOnly: true, expiresAt: minted.expiresAt,
      brandName: null, theme: null, signatureHeader: 'X-Herald-Signature',
      organization: expect.objectContaining({ id: organizationId }),
    });

    const page = await portal.endpointsOverview({ first: 1, hours: 48 });
    expect(page.edges).toHaveLength(1);
    expect(page.edges[0]!.node.stats.total).toBeGreaterThanOrEqual(page.edges[0]!.node.stats.succeeded);
    const overview = await collect(portal.paginate.endpointsOverview({}, { pageSize: 2 }));
    expect(overview.map((endpoint) => endpoint.id)).toEqual((await collect(client.paginate.endpoints())).map((endpoint) => endpoint.id));
    // The publishing test delivered to one of them.
    expect(overview.some((endpoint) => endpoint.stats.succeeded > 0 && endpoint.stats.successRate !== null && endpoint.stats.lastDeliveryAt !== null)).toBe(true);

    // A session sees the product's types, not Herald's own (docs/portal.md); the organization's key sees both.
    const catalog = await portal.eventCatalog();
    expect(catalog.find((type) => type.name === 'order.placed')?.example).toEqual({ order: null });
    expect(catalog.find((type) => type.name === 'webhook.test')).toBeUndefined();
    expect((await client.eventCatalog()).find((type) => type.name === 'webhook.test')?.example).toEqual({ message: 'A test webhook.' });

    ok(await admin.createPortalSession({ organizationId }), 'CreatePortalSessionPayload');
    expect(ok(await client.revokePortalSessions({}), 'RevokePortalSessionsPayload').revokedCount).toBe(2);
    const refused = await portal.access().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HeraldAuthError);
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
    expect(ok(await admin.revokePortalSessions({ organizationId }), 'RevokePortalSessionsPayload').revokedCount).toBe(0);
  });
});

describe('subscriptions over a dropped connection', () => {
  it('reconnects, tells onConnection, and the subscription goes on', async () => {
    // A TCP proxy in front of Herald that the test can cut, as a network drop would.
    const open: Socket[] = [];
    const proxy = createTcpServer((downstream) => {
      const upstream = tcpConnect(Number(new URL(server.url).port), '127.0.0.1');
      for (const socket of [downstream, upstream]) {
        open.push(socket);
        socket.on('error', () => undefined);
      }
      downstream.pipe(upstream).pipe(downstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const events: ConnectionEvent[] = [];
    const key = ok(await admin.createApiKey({ organizationId: (await client.viewer())!.id }), 'CreateApiKeyPayload').key;
    const live = connect(key, {
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`,
      reconnectDelayMs: 20,
      onConnection: (event) => events.push(event),
    });
    const endpointId = (await client.paginate.endpoints().next()).value!.id;
    const watched = await follow(live.endpointUpdated());
    expect(events).toEqual([{ type: 'connecting', reconnect: false }, { type: 'connected', reconnect: false }]);

    const listening = herald.feed.target.listenerCount();
    for (const socket of open) socket.destroy();
    await waitFor(async () => events.some((event) => event.type === 'connected' && event.reconnect), 'the socket to reconnect');
    expect(events).toContainEqual(expect.objectContaining({ type: 'closed' }));
    expect(events).toContainEqual({ type: 'connecting', reconnect: true });
    await waitFor(async () => herald.feed.target.listenerCount() >= listening, 'the subscription to be registered again');

    ok(await client.toggleEndpoint({ id: endpointId, active: false }), 'ToggleEndpointPayload');
    await waitFor(async () => watched.items.some((e) => e?.id === endpointId && !e.active), 'an update after the reconnect');
    await live.close();
    await watched.done;
    await new Promise((resolve) => proxy.close(resolve));
  });
});

it('called every generated method and every paginate iterator', () => {
  const methods = Object.keys(client).filter((key) => !['request', 'subscribe', 'close', 'paginate'].includes(key));
  const iterators = Object.keys(client.paginate).map((key) => `paginate.${key}`);
  expect(methods.length).toBeGreaterThanOrEqual(25);
  expect(iterators.sort()).toEqual(['paginate.auditLog', 'paginate.deliveries', 'paginate.endpoints', 'paginate.endpointsOverview', 'paginate.events']);
  expect([...methods, ...iterators].filter((name) => !called.has(name))).toEqual([]);
});
