// De-risks live status at scale: N subscribers of the same subscription (document, variables and
// scope; keys of their own) cost one read and one execution per change, not N, and every one of
// them still gets the item, with its cursor. Another selection is its own cohort.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { waitFor } from '../support/wait.ts';

const SUBSCRIBERS = 12;
const FULL = `subscription { deliveryUpdated { id status attemptCount lastError completedAt attempts { number responseStatus } endpoint { id url } } }`;
const SMALL = `subscription { deliveryUpdated { id status } }`;

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
const sockets: Client[] = [];

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true });
  await herald.db.eventType.create({ data: { name: 'order.placed' } });
  server = await herald.listen();
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await server.close();
  await herald.close();
});

async function follow(key: string, query: string) {
  const socket = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${key}` }, onNonLazyError: () => undefined });
  sockets.push(socket);
  const items: Array<{ data: unknown; cursor: unknown }> = [];
  const iterator = socket.iterate({ query, extensions: { herald: { ready: true } } });
  await iterator.next(); // the acknowledgement
  void (async () => {
    for await (const result of iterator) items.push({ data: result.data ?? result.errors, cursor: (result.extensions as { herald?: { cursor?: unknown } } | undefined)?.herald?.cursor });
  })();
  return items;
}

it('one read and one execution per change for N identical subscribers, each of whom gets the item', async () => {
  const org = await herald.organization('shared-execution');
  await herald.graphql(CREATE_ENDPOINT, { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] } }, org.key);
  // Two more keys of the organization with the same scopes: the same cohort.
  const more = async () => (await createOrganizationKey(herald.db, { organizationId: org.id })).token;
  const keys = [org.key, await more(), await more()];
  const identical: Array<Awaited<ReturnType<typeof follow>>> = [];
  for (let i = 0; i < SUBSCRIBERS; i++) identical.push(await follow(keys[i % keys.length]!, FULL));
  const small = await follow(org.key, SMALL);

  const before = herald.services.sharedReads.counts();
  const { deliveryIds } = await publishEvent(withKey(herald, org.key), { type: 'order.placed', payload: {} });
  await waitFor(async () => identical.every((items) => items.length >= 1) && small.length >= 1, 'every subscriber to get the item');
  const after = herald.services.sharedReads.counts();

  // The full selection once, the small one once.
  expect(after.executions - before.executions).toBe(2);
  expect(after.batches - before.batches).toBe(2);
  const first = identical[0]![0]!;
  expect(first.data).toMatchObject({ deliveryUpdated: { id: expect.any(String), status: 'PENDING', attempts: [] } });
  expect(deliveryIds).toHaveLength(1);
  for (const items of identical) expect(items).toEqual([first]);
  expect(typeof first.cursor).toBe('string');
  expect(small[0]!.cursor).toBe(first.cursor);
});
