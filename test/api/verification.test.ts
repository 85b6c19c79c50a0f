// De-risks the echo challenge of createEndpoint(verify: true) against real receivers on
// 127.0.0.1: a correct echo saves the endpoint verified; a wrong answer, an error status or a
// hang returns EndpointVerificationError and saves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { echoChallenge, startReceiver, type Receiver } from '../support/receiver.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, deliveryTimeoutMs: 500 });
  receiver = await startReceiver();
  key = (await herald.organization('verify-co')).key;
});
afterAll(async () => {
  await receiver.close();
  await herald.close();
});

async function createVerified() {
  const response = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/hook`, eventTypes: ['*'], verify: true } }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.createEndpoint;
}

describe('endpoint verification', () => {
  it('saves the endpoint with verifiedAt when the URL echoes the challenge', async () => {
    receiver.answer(echoChallenge);
    const result = await createVerified();
    expect(result.__typename).toBe('CreateEndpointPayload');
    expect(result.endpoint.verifiedAt).not.toBeNull();
    const request = receiver.requests.at(-1)!;
    expect(request.method).toBe('GET');
    expect(request.url).toMatch(/^\/hook\?echo_string=[A-Za-z0-9_-]{32}$/);
    expect(request.headers['user-agent']).toMatch(/^Herald-Webhooks\//);
  });

  it.each([
    ['a wrong body', (_req: unknown, res: import('node:http').ServerResponse) => res.end('hello')],
    ['a 500', (_req: unknown, res: import('node:http').ServerResponse) => { res.statusCode = 500; res.end(); }],
    ['a redirect', (_req: unknown, res: import('node:http').ServerResponse) => { res.statusCode = 302; res.setHeader('location', '/elsewhere'); res.end(); }],
    ['a hang past the timeout', () => {}],
  ])('refuses %s with EndpointVerificationError and saves nothing', async (_label, answer) => {
    receiver.answer(answer);
    const before = await herald.db.endpoint.count();
    const result = await createVerified();
    expect(result.__typename).toBe('EndpointVerificationError');
    expect(result.message).toMatch(/verification failed/);
    expect(await herald.db.endpoint.count()).toBe(before);
  });
});
