// De-risks SSE subscriptions escaping the per-key limits graphql-ws enforces (issue 20, finding 6):
// streams per key are capped and count against the same per-key operation budget as graphql-ws,
// are released when the client goes away, and a revoked or expired key's streams are ended.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/api-keys/api-keys.ts';
import { sseStreamsHeld } from '../../src/graphql/yoga.ts';
import { createPortalSession } from '../../src/portal/portal-sessions.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { listenForSse, openSse, type SseStream } from '../support/sse.ts';
import { waitFor } from '../support/wait.ts';

const LIMITS = { maxStreamsPerKey: 3, maxSubscriptionsPerKey: 4, maxSubscriptionsPerSocket: 5, maxSocketsPerKey: 3 };

let herald: TestHerald;
let api: Awaited<ReturnType<typeof listenForSse>>;
const streams: SseStream[] = [];

beforeAll(async () => {
  herald = await startTestHerald(LIMITS);
  api = await listenForSse(herald.services, 100);
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await waitFor(async () => sseStreamsHeld(api.yoga).streams === 0 && herald.feed.target.listenerCount() === 0, 'every stream released');
});
afterAll(async () => {
  await api.close();
  await herald.close();
});

function open(key: string): SseStream {
  const stream = openSse(api.url, key);
  streams.push(stream);
  return stream;
}

const held = () => sseStreamsHeld(api.yoga);

describe('SSE streams per key', () => {
  it('admits HERALD_MAX_SSE_STREAMS_PER_KEY streams, refuses the next with TOO_MANY_SUBSCRIPTIONS, and admits again once one closes', async () => {
    const org = await herald.organization('sse-per-key');
    const admitted = Array.from({ length: LIMITS.maxStreamsPerKey }, () => open(org.key));
    await waitFor(async () => held().streams === LIMITS.maxStreamsPerKey, 'the limit to be reached');
    const refused = open(org.key);
    expect(await refused.ended).toBe(true);
    expect(refused.text()).toContain('TOO_MANY_SUBSCRIPTIONS');
    expect(refused.text()).toContain('SSE streams');
    expect(herald.feed.target.listenerCount()).toBe(LIMITS.maxStreamsPerKey);
    // Another key is not affected.
    const other = await herald.organization('sse-per-key-other');
    open(other.key);
    await waitFor(async () => held().streams === LIMITS.maxStreamsPerKey + 1, "another key's stream");
    admitted[0]!.close();
    await waitFor(async () => held().streams === LIMITS.maxStreamsPerKey, 'the closed stream to be released');
    open(org.key);
    await waitFor(async () => held().streams === LIMITS.maxStreamsPerKey + 1, 'a new stream to be admitted');
    expect(held().keys).toBe(2);
  });

  it('counts against the same per-key budget as graphql-ws operations', async () => {
    const org = await herald.organization('sse-shared-budget');
    const server = await herald.listen();
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${org.key}` } });
    try {
      const wsErrors: unknown[] = [];
      const subscribe = () =>
        client.subscribe({ query: 'subscription { deliveryUpdated { id } }' }, { next: () => undefined, error: (e) => wsErrors.push(e), complete: () => undefined });
      subscribe();
      subscribe();
      await waitFor(async () => server.sockets.held().subscriptions === 2, 'two graphql-ws subscriptions');
      open(org.key);
      open(org.key);
      await waitFor(async () => held().subscriptions === 2, 'two SSE streams');
      // 2 + 2 = HERALD_MAX_SUBSCRIPTIONS_PER_KEY: one more on either transport is refused.
      const refused = open(org.key);
      expect(await refused.ended).toBe(true);
      expect(refused.text()).toContain('TOO_MANY_SUBSCRIPTIONS');
      subscribe();
      await waitFor(async () => wsErrors.length === 1, 'the graphql-ws refusal');
      expect(JSON.stringify(wsErrors[0])).toContain('TOO_MANY_SUBSCRIPTIONS');
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});

describe('a revoked or expired key', () => {
  it('has its idle SSE streams ended with UNAUTHENTICATED by the periodic key check, and their slots released', async () => {
    const org = await herald.organization('sse-revoked');
    const stream = open(org.key);
    await waitFor(async () => held().streams === 1, 'the stream');
    await revokeApiKey(herald.db, (await herald.db.apiKey.findFirstOrThrow({ where: { organizationId: org.id } })).id);
    expect(await stream.ended).toBe(true);
    expect(stream.text()).toContain('UNAUTHENTICATED');
    await waitFor(async () => held().streams === 0 && herald.feed.target.listenerCount() === 0, 'the slot and listener to be released');
  });

  it('ends the SSE stream of a portal session once it expires', async () => {
    const org = await herald.organization('sse-expired');
    const session = await createPortalSession(herald.db, herald.config, org.id, { scopes: ['deliveries:read'], seconds: 1 });
    const stream = open(session.token);
    await waitFor(async () => held().streams === 1, 'the stream');
    expect(await stream.ended).toBe(true);
    expect(stream.text()).toContain('UNAUTHENTICATED');
    expect(held().streams).toBe(0);
  });
});
