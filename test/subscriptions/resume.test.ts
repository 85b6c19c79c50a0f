// De-risks resuming a live subscription after a cursor (docs/subscriptions.md, "Resuming"): every
// change after it once, in log order, then live, over graphql-ws and SSE; forged, altered and other
// organizations' cursors refused alike; an expired cursor answers CURSOR_EXPIRED; and a transaction
// that commits after a later one is neither skipped by the live feed nor by a resume.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointNotice, notifyChange } from '../../src/pubsub/notices.ts';
import { idOfType } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let org: { id: string; key: string };
let other: { id: string; key: string };
let endpointId: string;
const sockets: Client[] = [];

const ENDPOINT_UPDATED = `subscription($after: String) { endpointUpdated(resumeAfter: $after) { id active } }`;

interface Item {
  active: boolean;
  cursor: string;
}

function socketOf(key: string): Client {
  const socket = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${key}` }, onNonLazyError: () => undefined });
  sockets.push(socket);
  return socket;
}

/** Follows endpointUpdated on a socket of its own, after its acknowledgement. */
async function follow(key: string, after?: string) {
  const items: Item[] = [];
  const errors: Array<{ message: string; extensions?: { code?: string } }> = [];
  let acknowledged!: () => void;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  const iterator = socketOf(key).iterate({ query: ENDPOINT_UPDATED, variables: { after: after ?? null }, extensions: { herald: { ready: true } } });
  void (async () => {
    try {
      for await (const result of iterator) {
        if (result.errors) errors.push(...(result.errors as typeof errors));
        else if (!result.data) acknowledged();
        else {
          const item = (result.data as { endpointUpdated: { active: boolean } }).endpointUpdated;
          items.push({ active: item.active, cursor: (result.extensions as { herald: { cursor: string } }).herald.cursor });
        }
      }
    } catch (error) {
      errors.push(...((Array.isArray(error) ? error : [error]) as typeof errors));
    }
    acknowledged();
  })();
  await ready;
  return { items, errors, stop: () => iterator.return?.() };
}

async function toggle(active: boolean) {
  const result = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointId, active } }, org.key);
  expect(result.data!.toggleEndpoint.__typename).toBe('ToggleEndpointPayload');
}

/** `count` changes: off, on, off, … */
async function toggles(count: number, first = false) {
  for (let i = 0; i < count; i++) await toggle(i % 2 === 0 ? first : !first);
}

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true });
  server = await herald.listen();
  org = await herald.organization('resume');
  other = await herald.organization('resume-other');
  endpointId = (await herald.graphql(CREATE_ENDPOINT, { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] } }, org.key)).data!.createEndpoint.endpoint.id;
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await server.close();
  await herald.close();
});

describe('resumeAfter', () => {
  it('over graphql-ws: every change after the cursor once, in order, then live', async () => {
    const first = await follow(org.key);
    await toggles(3);
    await waitFor(async () => first.items.length === 3, 'three items');
    expect(first.items.map((item) => item.active)).toEqual([false, true, false]);
    expect(new Set(first.items.map((item) => item.cursor)).size).toBe(3);
    await first.stop();
    // Missed while away: on, off.
    await toggles(2, true);
    const resumed = await follow(org.key, first.items[1]!.cursor);
    await waitFor(async () => resumed.items.length >= 3, 'the missed changes');
    expect(resumed.items.map((item) => item.active)).toEqual([false, true, false]);
    await toggle(true);
    await waitFor(async () => resumed.items.length >= 4, 'the live change');
    expect(resumed.items.map((item) => item.active)).toEqual([false, true, false, true]);
    expect(resumed.errors).toEqual([]);
    // Resuming after the last cursor gives nothing old.
    const caughtUp = await follow(org.key, resumed.items.at(-1)!.cursor);
    await toggle(false);
    await waitFor(async () => caughtUp.items.length >= 1, 'the next change');
    expect(caughtUp.items.map((item) => item.active)).toEqual([false]);
    await Promise.all([resumed.stop(), caughtUp.stop()]);
  });

  it('over SSE, with the same cursors', async () => {
    const live = await follow(org.key);
    await toggles(3, true);
    await waitFor(async () => live.items.length === 3, 'three items');
    await live.stop();
    const controller = new AbortController();
    const response = await fetch(server.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${org.key}` },
      body: JSON.stringify({ query: ENDPOINT_UPDATED, variables: { after: live.items[0]!.cursor } }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events = () =>
      text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as { data?: { endpointUpdated: { active: boolean } }; extensions?: { herald?: { cursor?: string } } })
        .filter((event) => event.data);
    while (events().length < 2) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(events().map((event) => event.data!.endpointUpdated.active)).toEqual([false, true]);
    expect(events().map((event) => event.extensions?.herald?.cursor)).toEqual(live.items.slice(1).map((item) => item.cursor));
    controller.abort();
  });

  it('forged, altered and other organizations\u2019 cursors are BAD_USER_INPUT, all alike', async () => {
    const own = await follow(org.key);
    await toggle(false);
    await waitFor(async () => own.items.length === 1, 'an item');
    await own.stop();
    const cursor = own.items[0]!.cursor;
    const altered = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    const answers = [];
    for (const [key, bad] of [
      [org.key, 'c1.' + Buffer.alloc(60, 7).toString('base64url')],
      [org.key, altered],
      [org.key, 'not a cursor'],
      [other.key, cursor],
    ] as const) {
      const refused = await follow(key, bad);
      await waitFor(async () => refused.errors.length > 0, 'the refusal');
      answers.push(refused.errors.map((error) => ({ message: error.message, code: error.extensions?.code })));
      expect(refused.items).toEqual([]);
    }
    expect(answers[0]![0]!.code).toBe('BAD_USER_INPUT');
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // A deliveryUpdated cursor is not an endpointUpdated one either.
    const wrongTopic = await herald.graphql(`subscription($after: String) { deliveryUpdated(resumeAfter: $after) { id } }`, { after: cursor }, org.key);
    expect(wrongTopic.errors?.[0]?.extensions?.code ?? JSON.stringify(wrongTopic)).toBe('BAD_USER_INPUT');
  });

  it('a transaction that commits after a later one is neither skipped nor reordered past', async () => {
    const before = await follow(org.key);
    await toggle(true);
    await waitFor(async () => before.items.length === 1, 'the first change');
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let logged!: () => void;
    const inserted = new Promise<void>((resolve) => (logged = resolve));
    // The early transaction takes its place in the log first, then stays open.
    const early = herald.db.$transaction(
      async (tx) => {
        await notifyChange(tx, endpointNotice({ id: idOfType(endpointId, 'Endpoint')!, organizationId: org.id, active: true, disabledReason: null, consecutiveFailures: 41, pausedAt: null }));
        logged();
        await gate;
      },
      { timeout: 60_000 },
    );
    await inserted;
    await toggle(false); // commits first
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Held back behind the open transaction, not handed out ahead of it.
    expect(before.items).toHaveLength(1);
    commit();
    await early;
    await waitFor(async () => before.items.length === 3, 'both changes');
    expect(before.items.map((item) => item.active)).toEqual([true, true, false]);
    // A resume from before both gets both.
    const resumed = await follow(org.key, before.items[0]!.cursor);
    await waitFor(async () => resumed.items.length === 2, 'both changes again');
    expect(resumed.items.map((item) => item.cursor)).toEqual(before.items.slice(1).map((item) => item.cursor));
    await Promise.all([before.stop(), resumed.stop()]);
  });
});

describe('an expired cursor', () => {
  it('answers CURSOR_EXPIRED', async () => {
    const short = await startTestHerald({ changeRetentionMs: 1_000 });
    try {
      const shortOrg = await short.organization('expiry');
      const endpoint = (await short.graphql(CREATE_ENDPOINT, { input: { url: 'https://example.com/hook', eventTypes: ['*'] } }, shortOrg.key)).data!.createEndpoint.endpoint.id;
      const shortServer = await short.listen();
      const socket = createClient({ url: shortServer.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${shortOrg.key}` }, onNonLazyError: () => undefined });
      const cursors: string[] = [];
      const iterator = socket.iterate({ query: ENDPOINT_UPDATED, variables: { after: null }, extensions: { herald: { ready: true } } });
      await iterator.next(); // the acknowledgement
      await short.graphql(TOGGLE_ENDPOINT, { input: { id: endpoint, active: false } }, shortOrg.key);
      const item = await iterator.next();
      cursors.push((item.value!.extensions as { herald: { cursor: string } }).herald.cursor);
      await iterator.return?.();
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const expired = socket.iterate({ query: ENDPOINT_UPDATED, variables: { after: cursors[0] } });
      const answer = await expired.next().then(
        (step) => step.value?.errors,
        (errors: unknown) => errors as Array<{ message: string; extensions?: { code?: string } }>,
      );
      expect(answer?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
      expect(answer?.[0]?.message).toMatch(/HERALD_CHANGE_RETENTION/);
      await socket.dispose();
      await shortServer.close();
    } finally {
      await short.close();
    }
  });
});
