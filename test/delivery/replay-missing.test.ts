// De-risks replayMissing: an endpoint receives, once and in publish order, the retained events it
// takes now and never got (published while it was off, or before it subscribed to their type),
// while events it got already, test sends and events it does not take are left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT, UPDATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;

const REPLAY_MISSING = `mutation($input: ReplayMissingInput!) { replayMissing(input: $input) {
  __typename ... on ReplayMissingPayload { count complete deliveries { id status event { id } } }
  ... on ValidationError { message fields { path message } } ... on Error { message } } }`;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0], deliveryTimeoutMs: 1_000 }, { worker: true });
  await herald.db.eventType.createMany({ data: [{ name: 'order.paid' }, { name: 'order.refunded' }] });
  receiver = await startReceiver();
  key = (await herald.organization('replay-missing-co')).key;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

const received = (path: string) => receiver.requests.filter((request) => request.url === path).map((request) => JSON.parse(request.body) as { type: string; data: { n: number } });

async function createEndpoint(path: string, input: Record<string, unknown> = {}): Promise<string> {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: ['order.paid'], ...input } }, key);
  return created.data!.createEndpoint.endpoint.id;
}

describe('replayMissing', () => {
  it('delivers, in publish order and once, what the endpoint missed while it was off', async () => {
    const endpointId = await createEndpoint('/off', { filter: { n: { $lt: 100 } } });
    const since = new Date().toISOString();
    await publishEvent(withKey(herald, key), { type: 'order.paid', payload: { n: 1 } });
    await waitFor(async () => received('/off').length === 1, 'the first event');
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active: false } }, key);
    // Missed while off: 2, 3 and 4; 500 is outside its filter, order.refunded outside its types.
    const missed = [];
    for (const n of [2, 3, 500, 4]) missed.push(await publishEvent(withKey(herald, key), { type: 'order.paid', payload: { n } }));
    await publishEvent(withKey(herald, key), { type: 'order.refunded', payload: { n: 5 } });
    expect(missed.every((published) => published.deliveryIds.length === 0)).toBe(true);

    const whileOff = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since } }, key);
    expect(whileOff.data!.replayMissing).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['endpointId'] }] });

    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active: true } }, key);
    // A dry run counts first and creates nothing.
    const counted = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since, dryRun: true } }, key);
    expect(counted.data!.replayMissing).toMatchObject({ count: 3, deliveries: [], complete: true });
    const replayed = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since } }, key);
    expect(replayed.data!.replayMissing).toMatchObject({ __typename: 'ReplayMissingPayload', count: 3, complete: true });
    expect(replayed.data!.replayMissing.deliveries.map((d: { event: { id: string } }) => d.event.id)).toEqual([missed[0]!.eventId, missed[1]!.eventId, missed[3]!.eventId]);
    await waitFor(async () => received('/off').length === 4, 'the missed events');
    expect(received('/off').map((body) => body.data.n)).toEqual([1, 2, 3, 4]);

    const again = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since } }, key);
    expect(again.data!.replayMissing).toMatchObject({ count: 0, deliveries: [], complete: true });
  });

  it('takes the endpoint as it is now: a type it subscribed to since, not test sends', async () => {
    const endpointId = await createEndpoint('/widened');
    const since = new Date().toISOString();
    const refund = await publishEvent(withKey(herald, key), { type: 'order.refunded', payload: { n: 7 } });
    await herald.graphql('mutation($input: TestEndpointInput!) { testEndpoint(input: $input) { __typename } }', { input: { id: endpointId } }, key);
    await herald.graphql(UPDATE_ENDPOINT, { input: { id: endpointId, eventTypes: ['order.*', 'webhook.test'] } }, key);
    const replayed = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since } }, key);
    expect(replayed.data!.replayMissing).toMatchObject({ count: 1, deliveries: [{ event: { id: refund.eventId } }] });
  });

  it('creates each missed delivery once when called several times at once', async () => {
    const endpointId = await createEndpoint('/concurrent');
    const since = new Date().toISOString();
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active: false } }, key);
    for (const n of [1, 2, 3, 4, 5]) await publishEvent(withKey(herald, key), { type: 'order.paid', payload: { n } });
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active: true } }, key);
    const calls = await Promise.all([1, 2, 3].map(() => herald.graphql(REPLAY_MISSING, { input: { endpointId, since } }, key)));
    expect(calls.map((call) => call.data!.replayMissing.count).reduce((a: number, b: number) => a + b, 0)).toBe(5);
    await waitFor(async () => received('/concurrent').length === 5, 'the missed events');
    const rows = await herald.db.delivery.findMany({ where: { endpointId: idOfType(endpointId, 'Endpoint')! } });
    expect(new Set(rows.map((row) => row.eventId)).size).toBe(rows.length);
    expect(rows).toHaveLength(5);
  });

  it('answers typed errors for a window that is backwards or older than retention, and for another organization', async () => {
    const endpointId = await createEndpoint('/errors');
    const now = Date.now();
    const backwards = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since: new Date(now).toISOString(), until: new Date(now - 60_000).toISOString() } }, key);
    expect(backwards.data!.replayMissing).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['since'], message: 'must not be later than until' }] });
    const tooOld = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since: new Date(now - (herald.config.retentionDays + 1) * 86_400_000).toISOString() } }, key);
    expect(tooOld.data!.replayMissing.__typename).toBe('ValidationError');
    expect(tooOld.data!.replayMissing.message).toContain('retention period');
    const other = (await herald.organization('replay-missing-other')).key;
    const foreign = await herald.graphql(REPLAY_MISSING, { input: { endpointId, since: new Date(now).toISOString() } }, other);
    expect(foreign.data!.replayMissing).toMatchObject({ __typename: 'NotFoundError' });
  });
});
