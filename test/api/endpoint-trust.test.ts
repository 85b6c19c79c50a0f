// De-risks two ways an organization's endpoint could be made to mislead: a URL stored as typed
// (`http://2130706433/`) rather than in the form every request names, and a signed test send typed
// as one of Herald's own operational events, which a receiver could not tell from a real one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, UPDATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let port: string;

const TEST_ENDPOINT = `mutation($input: TestEndpointInput!) {
  testEndpoint(input: $input) { __typename ... on TestEndpointPayload { delivery { id } } ... on ValidationError { fields { path message } } }
}`;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0] }, { worker: true });
  receiver = await startReceiver();
  port = new URL(receiver.url).port;
  key = (await herald.organization('trusting-co')).key;
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function createEndpoint(url: string, eventTypes: string[], bearer = key): Promise<{ id: string; url: string }> {
  const response = await herald.graphql(CREATE_ENDPOINT, { input: { url, eventTypes } }, bearer);
  expect(response.errors).toBeUndefined();
  expect(response.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  return response.data!.createEndpoint.endpoint;
}

describe('endpoint URLs', () => {
  it('are stored, shown and sent to in their WHATWG form, the host the address policy judged', async () => {
    // 2130706433 is 127.0.0.1 as one decimal number; WHATWG URL parsing (and so Node's client) reads it so.
    const endpoint = await createEndpoint(`http://2130706433:${port}/typed`, ['*']);
    expect(endpoint.url).toBe(`http://127.0.0.1:${port}/typed`);
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(endpoint.id, 'Endpoint')! } });
    expect(row.url).toBe(`http://127.0.0.1:${port}/typed`);

    const updated = await herald.graphql(UPDATE_ENDPOINT, { input: { id: endpoint.id, url: `HTTP://0x7f.1:${port}/a/../moved` } }, key);
    expect(updated.data!.updateEndpoint.endpoint.url).toBe(`http://127.0.0.1:${port}/moved`);

    const sent = await herald.graphql(TEST_ENDPOINT, { input: { id: endpoint.id } }, key);
    expect(sent.data!.testEndpoint.__typename).toBe('TestEndpointPayload');
    await waitFor(async () => receiver.requests.some((request) => request.url === '/moved'), 'the test send at the stored URL');
  });

  it('refuse a cloud metadata address however it is spelt', async () => {
    for (const url of ['http://2852039166/latest', 'http://0xa9fe.43518/', 'http://[::ffff:a9fe:aa17]/', 'http://169.254.170.023/']) {
      const response = await herald.graphql(CREATE_ENDPOINT, { input: { url, eventTypes: ['*'] } }, key);
      expect(response.data!.createEndpoint, url).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['url'] }] });
    }
  });
});

describe('test sends', () => {
  it('refuse a herald.* type for an organization’s endpoint, and write nothing', async () => {
    const endpoint = await createEndpoint(`${receiver.url}/watcher`, ['herald.*']);
    const events = await herald.db.event.count();
    for (const eventType of ['herald.endpoint.disabled', 'herald.delivery.failing']) {
      const refused = await herald.graphql(TEST_ENDPOINT, { input: { id: endpoint.id, eventType } }, key);
      expect(refused.data!.testEndpoint).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['eventType'] }] });
    }
    expect(await herald.db.event.count()).toBe(events);
    // webhook.test still reaches it.
    const sent = await herald.graphql(TEST_ENDPOINT, { input: { id: endpoint.id } }, key);
    expect(sent.data!.testEndpoint.__typename).toBe('TestEndpointPayload');
  });

  it('may use a herald.* type for an operator endpoint: the operator alone hears Herald’s word', async () => {
    const created = await herald.graphql(
      `mutation($input: CreateEndpointInput!) { createOperatorEndpoint(input: $input) { ... on CreateEndpointPayload { endpoint { id } } } }`,
      { input: { url: `${receiver.url}/operator`, eventTypes: ['herald.*'] } },
      herald.adminKey,
    );
    const id = created.data!.createOperatorEndpoint.endpoint.id;
    const sent = await herald.graphql(TEST_ENDPOINT, { input: { id, eventType: 'herald.endpoint.disabled' } }, herald.adminKey);
    expect(sent.data!.testEndpoint.__typename).toBe('TestEndpointPayload');
  });
});
