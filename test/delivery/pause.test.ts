// De-risks pauseEndpoint/resumeEndpoint: a paused endpoint keeps its backlog (publishing still
// creates its deliveries, which wait PAUSED, unsent and uncounted, listed like any other) and
// resuming sends each once, in publish order, within the endpoint's rate limit; a job already
// queued when the pause came is held too, and a test send still goes through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { publishEvent, publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;

const PAUSE = `mutation($input: PauseEndpointInput!) { pauseEndpoint(input: $input) { __typename ... on PauseEndpointPayload { endpoint { id active pausedAt } } ... on Error { message } } }`;
const RESUME = `mutation($input: ResumeEndpointInput!) { resumeEndpoint(input: $input) { __typename ... on ResumeEndpointPayload { endpoint { id active pausedAt } } ... on Error { message } } }`;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0], deliveryTimeoutMs: 1_000 }, { worker: true });
  await herald.db.eventType.createMany({ data: [{ name: 'ticket.opened' }, { name: 'ticket.closed' }] });
  receiver = await startReceiver();
  key = (await herald.organization('pause-co')).key;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

const received = (path: string) =>
  receiver.requests.filter((request) => request.url === path).map((request) => JSON.parse(request.body) as { type: string; data: { n?: number } });
const statuses = async (ids: string[]) =>
  (await herald.db.delivery.findMany({ where: { id: { in: ids.map((id) => idOfType(id, 'Delivery')!) } }, orderBy: { id: 'asc' } })).map((d) => d.status);

async function createEndpoint(path: string, input: Record<string, unknown> = {}): Promise<string> {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: ['ticket.opened', 'webhook.test'], ...input } }, key);
  return created.data!.createEndpoint.endpoint.id;
}

describe('pauseEndpoint and resumeEndpoint', () => {
  it('keeps what is published while paused and sends it, in publish order, on resume', async () => {
    const endpointId = await createEndpoint('/paused');
    const paused = await herald.graphql(PAUSE, { input: { id: endpointId } }, key);
    expect(paused.data!.pauseEndpoint).toMatchObject({ __typename: 'PauseEndpointPayload', endpoint: { active: true, pausedAt: expect.any(String) } });

    const published = [];
    for (const n of [1, 2, 3]) published.push(await publishEvent(withKey(herald, key), { type: 'ticket.opened', payload: { n } }));
    const ids = published.map((p) => p.deliveryIds[0]!);
    expect(await statuses(ids)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    // A test send goes through while paused; once it has arrived, the backlog has still not.
    await herald.graphql('mutation($input: TestEndpointInput!) { testEndpoint(input: $input) { __typename } }', { input: { id: endpointId } }, key);
    await waitFor(async () => received('/paused').length === 1, 'the test send');
    expect(received('/paused').map((body) => body.type)).toEqual(['webhook.test']);

    const listed = await herald.graphql(`query($filter: DeliveryFilter) { deliveries(filter: $filter, first: 10) { edges { node { id status attemptCount } } } }`, { filter: { endpointId, status: 'PAUSED' } }, key);
    expect(listed.data!.deliveries.edges.map((e: { node: { attemptCount: number } }) => e.node.attemptCount)).toEqual([0, 0, 0]);
    const endpoint = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(endpointId, 'Endpoint')! } });
    expect(endpoint.consecutiveFailures).toBe(0);

    const resumed = await herald.graphql(RESUME, { input: { id: endpointId } }, key);
    expect(resumed.data!.resumeEndpoint).toMatchObject({ endpoint: { active: true, pausedAt: null } });
    await waitFor(async () => (await statuses(ids)).every((status) => status === 'SUCCEEDED'), 'the backlog delivered');
    expect(received('/paused').slice(1).map((body) => body.data.n)).toEqual([1, 2, 3]);
  });

  it('holds the jobs already queued when the pause came, and resumes them within the rate limit, each once', async () => {
    const endpointId = await createEndpoint('/limited', { eventTypes: ['ticket.closed'], rateLimit: { perSecond: 1, burst: 1 } });
    const published = await publishEvents(withKey(herald, key), [1, 2, 3, 4].map((n) => ({ type: 'ticket.closed', payload: { n } })));
    await herald.graphql(PAUSE, { input: { id: endpointId } }, key);
    const ids = published.map((p) => p.deliveryIds[0]!);
    // One a second: the later ones come to the worker (at their rate-limit slot) after the pause and wait PAUSED.
    const settled = (now: string[]) => now.every((status) => status === 'SUCCEEDED' || status === 'PAUSED') && now.filter((status) => status === 'PAUSED').length >= 2;
    await waitFor(async () => settled(await statuses(ids)), 'queued jobs held by the pause').catch(async (error) => {
      throw new Error(`${String(error)}: ${(await statuses(ids)).join(', ')}`);
    });
    const before = received('/limited').length;
    await herald.graphql(RESUME, { input: { id: endpointId } }, key);
    await waitFor(async () => (await statuses(ids)).every((status) => status === 'SUCCEEDED'), 'every delivery sent', 30_000);
    expect(received('/limited').map((body) => body.data.n)).toEqual([1, 2, 3, 4]);
    const times = receiver.requests.filter((request) => request.url === '/limited').map((request) => request.receivedAt);
    // The limit still spaces what resuming released (one a second, less the scheduler's slack).
    for (let i = Math.max(before, 1); i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(500);
    const attempts = await herald.db.attempt.count({ where: { deliveryId: { in: ids.map((id) => idOfType(id, 'Delivery')!) } } });
    expect(attempts).toBe(4);
  });

  it('answers NotFoundError for an endpoint of another organization', async () => {
    const endpointId = await createEndpoint('/foreign');
    const other = (await herald.organization('pause-other')).key;
    expect((await herald.graphql(PAUSE, { input: { id: endpointId } }, other)).data!.pauseEndpoint.__typename).toBe('NotFoundError');
    expect((await herald.graphql(RESUME, { input: { id: endpointId } }, other)).data!.resumeEndpoint.__typename).toBe('NotFoundError');
  });
});
