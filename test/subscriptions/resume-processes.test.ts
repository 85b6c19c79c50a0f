// De-risks resuming across real `herald api` child processes on one PostgreSQL: a cursor handed
// out by one API resumes on another (changes made through the first), and the SDK's `for await`
// over a subscription sees every transition, once, in order, across a crash and restart of the API
// it is connected to (changes made meanwhile included).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHeraldClient } from '../../sdk/src/index.ts';
import { freePort } from '../support/free-port.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let env: Record<string, string>;
let apiA: HeraldProcess;
let apiB: HeraldProcess;
let bPort: number;
let key: string;
let endpointId: string;

beforeAll(async () => {
  const encryptionKey = randomBytes(32).toString('base64');
  herald = await startTestHerald({ encryptionKeyBase64: encryptionKey });
  key = (await herald.organization('resume-processes')).key;
  endpointId = (await herald.graphql(CREATE_ENDPOINT, { input: { url: 'https://example.com/hook', eventTypes: ['*'] } }, key)).data!.createEndpoint.endpoint.id;
  env = { DATABASE_URL: herald.databaseUrl, HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-resume-')), HERALD_ENCRYPTION_KEY: encryptionKey };
  bPort = await freePort();
  [apiA, apiB] = await Promise.all([startHeraldProcess('api', env, 180_000), startHeraldProcess('api', { ...env, PORT: String(bPort) }, 180_000)]);
}, 400_000);
afterAll(async () => {
  await Promise.all([apiA?.stop(), apiB?.stop()]);
  await herald?.close();
});

async function toggleVia(origin: string, active: boolean) {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: TOGGLE_ENDPOINT, variables: { input: { id: endpointId, active } } }),
  });
  const body = (await response.json()) as { data?: { toggleEndpoint: { __typename: string } } };
  expect(body.data?.toggleEndpoint.__typename).toBe('ToggleEndpointPayload');
}

const wsUrl = (origin: string) => `${origin.replace('http', 'ws')}/graphql`;

it('a cursor from API A resumes on API B, with the changes made through A', async () => {
  const socketA = createClient({ url: wsUrl(apiA.origin), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } });
  const onA = socketA.iterate({ query: 'subscription { endpointUpdated { active } }', extensions: { herald: { ready: true } } });
  await onA.next(); // acknowledged
  await toggleVia(apiA.origin, false);
  const first = await onA.next();
  const cursor = (first.value!.extensions as { herald: { cursor: string } }).herald.cursor;
  await onA.return?.();
  await socketA.dispose();
  await toggleVia(apiA.origin, true);
  await toggleVia(apiA.origin, false);

  const socketB = createClient({ url: wsUrl(apiB.origin), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } });
  const onB = socketB.iterate({ query: 'subscription($after: String) { endpointUpdated(resumeAfter: $after) { active } }', variables: { after: cursor } });
  const seen: boolean[] = [];
  for (let i = 0; i < 2; i++) seen.push(((await onB.next()).value!.data as { endpointUpdated: { active: boolean } }).endpointUpdated.active);
  expect(seen).toEqual([true, false]);
  await toggleVia(apiA.origin, true);
  expect(((await onB.next()).value!.data as { endpointUpdated: { active: boolean } }).endpointUpdated.active).toBe(true);
  await onB.return?.();
  await socketB.dispose();
});

it("the SDK's for-await sees every transition across a crash and restart of its API", async () => {
  const client = createHeraldClient({ url: `${apiB.origin}/graphql`, apiKey: key, webSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket, reconnectDelayMs: 100, reconnectAttempts: 100 });
  const subscription = client.endpointUpdated();
  await subscription.ready;
  const seen: boolean[] = [];
  const reading = (async () => {
    for await (const endpoint of subscription) {
      if (endpoint) seen.push(endpoint.active);
      if (seen.length === 9) break;
    }
  })();
  const made: boolean[] = [];
  const toggle = async () => {
    const active = made.length % 2 === 1;
    made.push(active);
    await toggleVia(apiA.origin, active);
  };
  for (let i = 0; i < 3; i++) await toggle();
  await waitFor(async () => seen.length === 3, 'three items before the crash');
  await apiB.kill();
  // Made while the API the SDK follows is down.
  for (let i = 0; i < 3; i++) await toggle();
  apiB = await startHeraldProcess('api', { ...env, PORT: String(bPort) }, 180_000);
  for (let i = 0; i < 3; i++) await toggle();
  await reading;
  expect(seen).toEqual(made);
  await client.close();
}, 300_000);
