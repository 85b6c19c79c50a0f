// De-risks what an operator does with deliveries: listing events and deliveries with their
// attempts (filters, paging), retrying one now, replaying a period, and the retention purge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/worker/retention.ts';
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
let failing = true;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0], deliveryTimeoutMs: 1_000, disableAfterFailures: 0 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'invoice.paid' } });
  receiver = await startReceiver((_req, res) => {
    res.statusCode = failing ? 500 : 200;
    res.end();
  });
  key = (await herald.organization('ops-co')).key;
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/ops`, eventTypes: ['invoice.paid'] } }, key);
  endpointId = created.data!.createEndpoint.endpoint.id;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

const publish = (n: number) => publishEvent(withKey(herald, key), { type: 'invoice.paid', payload: { n } });

const statusOf = async (id: string) => (await herald.db.delivery.findUniqueOrThrow({ where: { id: idOfType(id, 'Delivery')! } })).status;
const until = (id: string, status: string) => waitFor(async () => (await statusOf(id)) === status, `${id} to be ${status}`);

describe('queries', () => {
  it('lists events and deliveries with attempts, filtered and paged', async () => {
    failing = true;
    const published = [await publish(1), await publish(2), await publish(3)];
    for (const p of published) await until(p.deliveryIds[0]!, 'FAILED');
    const events = await herald.graphql('{ events(first: 2, filter: { type: "invoice.paid" }) { edges { node { id payload } } pageInfo { hasNextPage } } }', {}, key);
    expect(events.data?.events.edges.map((e: { node: { payload: { n: number } } }) => e.node.payload.n)).toEqual([3, 2]);
    expect(events.data?.events.pageInfo.hasNextPage).toBe(true);

    const query = `query($filter: DeliveryFilter) { deliveries(filter: $filter, first: 10) { edges { node {
      id status attemptCount lastStatusCode isTest event { id type } endpoint { id }
      attempts { number responseStatus durationMs error { kind message } } } } } }`;
    const failed = await herald.graphql(query, { filter: { endpointId, status: 'FAILED' } }, key);
    const nodes = failed.data!.deliveries.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toHaveLength(3);
    expect(nodes[0]).toMatchObject({ status: 'FAILED', attemptCount: 1, lastStatusCode: 500, isTest: false, endpoint: { id: endpointId } });
    expect(nodes[0].attempts).toEqual([{ number: 1, responseStatus: 500, durationMs: expect.any(Number), error: { kind: 'HTTP_STATUS', message: 'HTTP 500' } }]);
    const byEvent = await herald.graphql(query, { filter: { eventId: published[0]!.eventId } }, key);
    expect(byEvent.data?.deliveries.edges).toHaveLength(1);
  });
});

describe('retryDelivery and replayDeliveries', () => {
  it('retries a failed delivery now, as its next attempt', async () => {
    failing = true;
    const { deliveryIds: deliveries } = await publish(10);
    await until(deliveries[0]!, 'FAILED');
    failing = false;
    const retry = `mutation($input: RetryDeliveryInput!) { retryDelivery(input: $input) { __typename ... on RetryDeliveryPayload { delivery { status } } ... on Error { message } } }`;
    const result = await herald.graphql(retry, { input: { id: deliveries[0]! } }, key);
    expect(result.data?.retryDelivery).toEqual({ __typename: 'RetryDeliveryPayload', delivery: { status: 'PENDING' } });
    await until(deliveries[0]!, 'SUCCEEDED');
    const again = await herald.graphql(retry, { input: { id: deliveries[0]! } }, key);
    expect(again.data?.retryDelivery.__typename).toBe('RetryDeliveryPayload');
    await until(deliveries[0]!, 'SUCCEEDED');
    const attempts = await herald.db.attempt.findMany({ where: { deliveryId: idOfType(deliveries[0]!, 'Delivery')! }, orderBy: { number: 'asc' } });
    expect(attempts.map((a) => [a.number, a.responseStatus])).toEqual([[1, 500], [2, 200], [3, 200]]);
  });

  it('replays the failed deliveries of a period', async () => {
    failing = true;
    const since = new Date().toISOString();
    const published = [await publish(20), await publish(21)];
    for (const p of published) await until(p.deliveryIds[0]!, 'FAILED');
    failing = false;
    const replay = `mutation($input: ReplayDeliveriesInput!) { replayDeliveries(input: $input) { __typename ... on ReplayDeliveriesPayload { count } ... on Error { message } } }`;
    const result = await herald.graphql(replay, { input: { endpointId, since } }, key);
    expect(result.data?.replayDeliveries).toEqual({ __typename: 'ReplayDeliveriesPayload', count: 2 });
    for (const p of published) await until(p.deliveryIds[0]!, 'SUCCEEDED');
    const bad = await herald.graphql(replay, { input: { endpointId, since, statuses: ['PENDING'] } }, key);
    expect(bad.data?.replayDeliveries.__typename).toBe('ValidationError');
  });
});

describe('retention', () => {
  it('purges events older than the retention period with their deliveries and attempts', async () => {
    const { eventId: published, deliveryIds: deliveries } = await publish(99);
    await until(deliveries[0]!, 'SUCCEEDED');
    const eventId = idOfType(published, 'Event')!;
    await herald.db.event.update({ where: { id: eventId }, data: { createdAt: new Date(Date.now() - 31 * 86_400_000) } });
    const kept = await herald.db.event.count();
    // Its id is today's, so its partition stays: it goes by rows, with its delivery (and by the
    // delivery's trigger, the attempt). Whole-partition retention: test/worker/retention.test.ts.
    expect(await purgeExpired(herald.db, 30)).toEqual({ partitionsDropped: 0, rowsDeleted: 2 });
    expect(await herald.db.event.count()).toBe(kept - 1);
    expect(await herald.db.delivery.count({ where: { eventId } })).toBe(0);
    expect(await herald.db.attempt.count({ where: { deliveryId: idOfType(deliveries[0]!, 'Delivery')! } })).toBe(0);
  });
});
