// De-risks the operator's "I fixed my receiver, send it now": retryDelivery takes a RETRYING
// delivery's waiting retry now (the schedule goes on from there, the scheduled job does nothing),
// refuses a delivery queued or in flight with a typed InvalidStateError, and replayDeliveries
// answers the deliveries it queued, within [since, until), and says when nothing matched.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let endpointId: string;
let mode: 'fail' | 'ok' | 'hold' = 'fail';
const held: ServerResponse[] = [];

const HOUR = 3_600_000;
const RETRY = `mutation($id: ID!) { retryDelivery(input: { id: $id }) {
  __typename ... on RetryDeliveryPayload { delivery { status } } ... on InvalidStateError { message status } ... on Error { message } } }`;
const REPLAY = `mutation($input: ReplayDeliveriesInput!) { replayDeliveries(input: $input) {
  __typename ... on ReplayDeliveriesPayload { count deliveries { id status } } ... on Error { message } } }`;

beforeAll(async () => {
  // The second attempt waits an hour: only retryDelivery can make it happen within the test.
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, HOUR, HOUR], disableAfterFailures: 0 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'invoice.paid' } });
  receiver = await startReceiver((_req, res) => {
    if (mode === 'hold') return void held.push(res);
    res.statusCode = mode === 'fail' ? 500 : 200;
    res.end();
  });
  key = (await herald.organization('retry-now')).key;
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/now`, eventTypes: ['invoice.paid'] } }, key);
  endpointId = created.data!.createEndpoint.endpoint.id;
});
afterAll(async () => {
  for (const response of held) response.end();
  await herald.close();
  await receiver.close();
});

const publish = async (n: number): Promise<string> => (await publishEvent(withKey(herald, key), { type: 'invoice.paid', payload: { n } })).deliveryIds[0]!;

const rowOf = (id: string) => herald.db.delivery.findUniqueOrThrow({ where: { id: idOfType(id, 'Delivery')! } });
const until = (id: string, status: string) => waitFor(async () => (await rowOf(id)).status === status, `${id} to be ${status}`);

describe('retryDelivery', () => {
  it('attempts a RETRYING delivery now, and its schedule continues from that attempt', async () => {
    mode = 'fail';
    const id = await publish(1);
    await until(id, 'RETRYING');
    expect((await rowOf(id)).nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + HOUR / 2);
    mode = 'ok';
    const retried = await herald.graphql(RETRY, { id }, key);
    expect(retried.data?.retryDelivery).toEqual({ __typename: 'RetryDeliveryPayload', delivery: { status: 'PENDING' } });
    await until(id, 'SUCCEEDED');
    const attempts = await herald.db.attempt.findMany({ where: { deliveryId: idOfType(id, 'Delivery')! }, orderBy: { number: 'asc' } });
    expect(attempts.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([[1, 500], [2, 200]]);
    // The job that was waiting for the hour is still queued; when it comes, it finds attempt 2 done.
    const jobs = await herald.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM pgboss.job WHERE data->>'deliveryId' = ${idOfType(id, 'Delivery')} AND (data->>'attempt')::int = 2 AND state = 'created'`;
    expect(Number(jobs[0]!.n)).toBe(1);
  });

  it('a retry of a RETRYING delivery that fails again waits for the next step of the schedule', async () => {
    mode = 'fail';
    const id = await publish(2);
    await until(id, 'RETRYING');
    const retried = await herald.graphql(RETRY, { id }, key);
    expect(retried.data?.retryDelivery.__typename).toBe('RetryDeliveryPayload');
    await waitFor(async () => (await rowOf(id)).attemptCount === 2 && (await rowOf(id)).status === 'RETRYING', 'the second attempt to fail');
    expect((await rowOf(id)).nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + HOUR / 2);
  });

  it('refuses a delivery with an attempt in flight with InvalidStateError naming its status, and changes nothing', async () => {
    mode = 'hold';
    const id = await publish(3);
    await until(id, 'SENDING');
    const before = await rowOf(id);
    const refused = await herald.graphql(RETRY, { id }, key);
    expect(refused.data?.retryDelivery).toEqual({
      __typename: 'InvalidStateError',
      message: 'The delivery is SENDING: an attempt is in flight.',
      status: 'SENDING',
    });
    expect(await rowOf(id)).toEqual(before);
    mode = 'ok';
    held.splice(0).forEach((response) => response.end());
    await until(id, 'SUCCEEDED');
  });
});

describe('replayDeliveries', () => {
  it('answers the deliveries it queued, only those created in [since, until)', async () => {
    mode = 'fail';
    const since = new Date().toISOString();
    const first = await publish(10);
    await until(first, 'RETRYING');
    // Ended by hand rather than waiting two hours of schedule.
    await herald.db.delivery.update({ where: { id: idOfType(first, 'Delivery')! }, data: { status: 'FAILED', nextAttemptAt: null } });
    const until_ = new Date().toISOString();
    await waitFor(async () => Date.now() > Date.parse(until_) + 5, 'the clock to pass until');
    const second = await publish(11);
    await until(second, 'RETRYING');
    await herald.db.delivery.update({ where: { id: idOfType(second, 'Delivery')! }, data: { status: 'FAILED', nextAttemptAt: null } });

    mode = 'ok';
    const nothing = await herald.graphql(REPLAY, { input: { endpointId, since, until: since, statuses: ['FAILED'] } }, key);
    expect(nothing.data?.replayDeliveries).toMatchObject({ __typename: 'ValidationError' });
    const empty = await herald.graphql(REPLAY, { input: { endpointId, since: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' } }, key);
    expect(empty.data?.replayDeliveries).toEqual({ __typename: 'ReplayDeliveriesPayload', count: 0, deliveries: [] });

    const replayed = await herald.graphql(REPLAY, { input: { endpointId, since, until: until_ } }, key);
    expect(replayed.data?.replayDeliveries).toEqual({ __typename: 'ReplayDeliveriesPayload', count: 1, deliveries: [{ id: first, status: 'PENDING' }] });
    await until(first, 'SUCCEEDED');
    expect((await rowOf(second)).status).toBe('FAILED');
  });
});
