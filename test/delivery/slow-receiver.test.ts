// One endpoint that stops answering must not hold up the others: its attempts outlast their
// batch's patience and go on in the background (on sockets of their own), while the worker keeps
// delivering to everyone else. The silent receiver here answers only when the test lets it, so
// nothing depends on timing: without the isolation, the healthy deliveries would wait with it.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;
const held: ServerResponse[] = [];

beforeAll(async () => {
  // A long timeout: the silent endpoint's attempts stay in flight until the test releases them.
  herald = await startTestHerald({ allowPrivateNetworks: true, deliveryTimeoutMs: 120_000 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'slow.event' } });
  receiver = await startReceiver((request, response) => {
    if (request.url === '/silent') held.push(response);
    else response.end('ok');
  });
  key = (await herald.organization('slow-receiver')).key;
  for (const path of ['/silent', '/healthy']) {
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: ['slow.event'] } }, key);
    expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  }
});
afterAll(async () => {
  for (const response of held) response.destroy();
  await herald.close();
  await receiver.close();
});

const publish = (count: number, from: number) =>
  publishEvents(withKey(herald, key), Array.from({ length: count }, (_, i) => ({ type: 'slow.event', payload: { n: from + i } })));

const statuses = async (path: string) =>
  (await herald.db.delivery.findMany({ where: { endpoint: { url: `${receiver.url}${path}` } }, select: { status: true } })).map((row) => row.status);

it('keeps delivering to healthy endpoints while one endpoint does not answer, and records the silent one once it does', async () => {
  await publish(5, 0);
  await waitFor(async () => (await statuses('/healthy')).filter((status) => status === 'SUCCEEDED').length === 5, 'the healthy endpoint to receive the first 5');
  // Again, with the silent endpoint's first attempts still open.
  await publish(5, 5);
  await waitFor(async () => (await statuses('/healthy')).filter((status) => status === 'SUCCEEDED').length === 10, 'the healthy endpoint to receive the next 5');
  await waitFor(async () => held.length === 10, 'the silent endpoint to hold all 10 requests');
  expect(await statuses('/silent')).toEqual(Array(10).fill('SENDING'));

  // It answers at last: each attempt is recorded once, from the background.
  for (const response of held.splice(0)) response.end('late');
  await waitFor(async () => (await statuses('/silent')).every((status) => status === 'SUCCEEDED'), 'the silent endpoint’s deliveries to be recorded');
  const attempts = await herald.db.attempt.findMany({ where: { delivery: { endpoint: { url: `${receiver.url}/silent` } } } });
  expect(attempts).toHaveLength(10);
  expect(attempts.every((attempt) => attempt.number === 1 && attempt.responseBody === 'late')).toBe(true);
  expect(receiver.requests.filter((request) => request.url === '/silent')).toHaveLength(10);
}, 120_000);
