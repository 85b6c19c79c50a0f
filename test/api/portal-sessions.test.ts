// De-risks the portal's credential: a session is minted only within the minter's own powers, is
// stored hashed, works as a bearer key on both transports, expires and is revoked like a key (and
// says which, so the portal shows the right page), and sees nothing of another organization.
// Also `access` for each kind of key, and Endpoint.stats against deliveries written here. Least
// privilege (issue 20): a session holds what the portal uses unless scopes are named (never
// events:publish by default), dies with the key that minted it, and minting is rate-limited per key
// and bounded per organization.
import { createClient } from 'graphql-ws';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminKey, createOrganizationKey, revokeApiKey } from '../../src/api-keys/api-keys.ts';
import { hashApiKey } from '../../src/auth/api-key-token.ts';
import { createSessionMints } from '../../src/portal/session-mints.ts';
import type { Db } from '../../src/db/prisma.ts';
import { encodeGlobalId } from '../../src/global-id.ts';
import { createHeraldYoga } from '../../src/graphql/yoga.ts';
import { silentLogger } from '../../src/log.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let acme: { id: string; globalId: string; key: string };
let other: { id: string; globalId: string; key: string };

const MINT = `mutation($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) {
    __typename
    ... on CreatePortalSessionPayload { token url expiresAt session { id kind scopes expiresAt organization { slug } } }
    ... on Error { message }
    ... on ValidationError { fields { path message } }
  }
}`;
const REVOKE = `mutation($input: RevokePortalSessionsInput!) {
  revokePortalSessions(input: $input) { __typename ... on RevokePortalSessionsPayload { revokedCount } ... on Error { message } }
}`;
const ACCESS = 'query { access { kind scopes readOnly expiresAt organization { slug } } }';

async function mint(key: string, input: Record<string, unknown> = {}) {
  const response = await herald.graphql(MINT, { input }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.createPortalSession;
}

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, publicUrl: 'https://hooks.example.com' });
  acme = await herald.organization('acme');
  other = await herald.organization('other');
});
afterAll(() => herald?.close());

describe('createPortalSession', () => {
  it('an admin key mints for a named organization, with the portal\'s scopes by default, for an hour', async () => {
    const before = Date.now();
    const session = await mint(herald.adminKey, { organizationId: acme.globalId });
    expect(session.__typename).toBe('CreatePortalSessionPayload');
    expect(session.token).toMatch(/^hrld_portal_[0-9A-Za-z]{43}$/);
    expect(session.session).toMatchObject({ kind: 'PORTAL', organization: { slug: 'acme' } });
    expect(session.session.scopes).toEqual(['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:read', 'deliveries:write']);
    const lifetime = Date.parse(session.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(3_590_000);
    expect(lifetime).toBeLessThan(3_610_000);
    expect(session.session.expiresAt).toBe(session.expiresAt);
    // Hashed like keys: the token itself is nowhere in the row.
    const row = await herald.db.apiKey.findFirstOrThrow({ where: { hash: Uint8Array.from(hashApiKey(session.token)) } });
    expect(JSON.stringify(row)).not.toContain(session.token.slice(12));
  });

  it('never gives events:publish unless it is named, and a default session cannot publish', async () => {
    await herald.db.eventType.upsert({ where: { name: 'ticket.opened' }, create: { name: 'ticket.opened' }, update: {} });
    const PUBLISH = 'mutation { publishEvent(input: { type: "ticket.opened", payload: {}, idempotencyKey: "squatted" }) { __typename } }';
    const fromOrgKey = await mint(acme.key);
    expect(fromOrgKey.session.scopes).not.toContain('events:publish');
    expect(fromOrgKey.session.scopes).toEqual(['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:read', 'deliveries:write']);
    const refused = await herald.graphql(PUBLISH, {}, fromOrgKey.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await herald.db.event.count({ where: { organizationId: acme.id, idempotencyKey: 'squatted' } })).toBe(0);
    // Named, it is given (by a minter that holds it).
    const publisher = await mint(herald.adminKey, { organizationId: acme.globalId, scopes: ['events:publish'] });
    expect(publisher.session.scopes).toEqual(['events:publish']);
    const published = await herald.graphql(PUBLISH, {}, publisher.token);
    expect(published.errors).toBeUndefined();
    // A key holding only events:publish has nothing of the portal's to give by default.
    const publishOnly = await herald.organization('publish-only-co', ['events:publish']);
    expect(await mint(publishOnly.key)).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['scopes'] }] });
  });

  it('needs organizationId with an admin key', async () => {
    const session = await mint(herald.adminKey, {});
    expect(session).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['organizationId'] }] });
  });

  it('an organization key mints for its own organization, and never for another', async () => {
    const own = await mint(acme.key);
    expect(own.session.organization.slug).toBe('acme');
    expect((await mint(acme.key, { organizationId: acme.globalId })).__typename).toBe('CreatePortalSessionPayload');
    expect((await mint(acme.key, { organizationId: other.globalId })).__typename).toBe('NotFoundError');
  });

  it('never gives more scopes than the minting key holds', async () => {
    const reader = await herald.organization('reader-co', ['endpoints:read']);
    const refused = await mint(reader.key, { scopes: ['endpoints:read', 'endpoints:write'] });
    expect(refused).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['scopes'] }] });
    expect(refused.message).toContain('endpoints:write');
    const allowed = await mint(reader.key);
    expect(allowed.session.scopes).toEqual(['endpoints:read']);
    // The session's own writes are refused, as its minter's would be.
    const write = await herald.graphql(
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/x", eventTypes: ["*"] }) { __typename } }',
      {},
      allowed.token,
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a read-only session holds only the read scopes, and the API refuses its writes', async () => {
    const session = await mint(acme.key, { readOnly: true });
    expect(session.session.scopes).toEqual(['endpoints:read', 'events:read', 'deliveries:read']);
    const write = await herald.graphql(
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/x", eventTypes: ["*"] }) { __typename } }',
      {},
      session.token,
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = await herald.graphql('query { endpoints { edges { node { id } } } }', {}, session.token);
    expect(read.errors).toBeUndefined();
  });

  it('lasts at most 24 hours', async () => {
    const day = await mint(acme.key, { expiresInSeconds: 86_400 });
    expect(Date.parse(day.expiresAt) - Date.now()).toBeGreaterThan(86_390_000);
    for (const expiresInSeconds of [86_401, 0, -5]) {
      const refused = await mint(acme.key, { expiresInSeconds });
      expect(refused, String(expiresInSeconds)).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['expiresInSeconds'] }] });
    }
  });

  it('answers a link to HERALD_PUBLIC_URL with the token in the fragment', async () => {
    const session = await mint(acme.key);
    expect(session.url).toBe(`https://hooks.example.com/portal/#token=${session.token}`);
    expect(new URL(session.url).search).toBe('');
  });

  it('a session cannot mint or revoke sessions', async () => {
    const session = await mint(acme.key);
    for (const [query, input] of [[MINT, {}], [REVOKE, {}]] as const) {
      const response = await herald.graphql(query, { input }, session.token);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('a session as a bearer key', () => {
  it('works over HTTP and graphql-ws', async () => {
    const session = await mint(acme.key);
    const http = await herald.graphql('query { viewer { slug } }', {}, session.token);
    expect(http.data).toEqual({ viewer: { slug: 'acme' } });

    const server = await herald.listen();
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${session.token}` },
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe({ query: 'query { access { kind organization { slug } } }' }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
      });
      expect(result).toEqual({ data: { access: { kind: 'PORTAL', organization: { slug: 'acme' } } } });
    } finally {
      await client.dispose();
      await server.close();
    }
  });

  it('an open graphql-ws socket of a session is closed (4401) once the session expires', async () => {
    const session = await mint(acme.key);
    const server = await herald.listen();
    const socket = await holdSubscription(server, session.token);
    const { client } = socket;
    try {
      await herald.db.apiKey.updateMany({ where: { hash: Uint8Array.from(hashApiKey(session.token)) }, data: { expiresAt: new Date(Date.now() - 1_000) } });
      // The periodic check of the keys holding sockets (every 5 seconds) finds it expired.
      await waitFor(async () => socket.closeCode() !== undefined, 'the socket to be closed', 10_000);
      expect(socket.closeCode()).toBe(4401);
    } finally {
      await client.dispose();
      await server.close();
    }
  }, 15_000);

  it('sees nothing of another organization', async () => {
    const created = await herald.graphql(
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/other", eventTypes: ["*"] }) { ... on CreateEndpointPayload { endpoint { id } } } }',
      {},
      other.key,
    );
    const otherEndpoint = created.data!.createEndpoint.endpoint.id;
    const session = await mint(acme.key);
    const list = await herald.graphql('query { endpoints { edges { node { id url } } } }', {}, session.token);
    expect(JSON.stringify(list.data)).not.toContain('/other');
    const node = await herald.graphql('query($id: ID!) { node(id: $id) { id } }', { id: otherEndpoint }, session.token);
    expect(node.data).toEqual({ node: null });
    // Nor can it revoke the other organization's sessions.
    const revoke = await herald.graphql(REVOKE, { input: { organizationId: other.globalId } }, session.token);
    expect(revoke.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('expired: UNAUTHENTICATED with reason EXPIRED', async () => {
    const session = await mint(acme.key);
    await herald.db.apiKey.updateMany({ where: { hash: Uint8Array.from(hashApiKey(session.token)) }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const response = await herald.graphql(ACCESS, {}, session.token);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'EXPIRED' });
  });

  it('revokePortalSessions revokes every session of the organization (reason REVOKED), and no other organization’s', async () => {
    await mint(acme.key);
    const sessions = [await mint(acme.key), await mint(herald.adminKey, { organizationId: acme.globalId })];
    const kept = await mint(other.key);
    const live = await herald.db.apiKey.count({
      where: { kind: 'PORTAL', organizationId: acme.id, revokedAt: null, expiresAt: { gt: new Date() } },
    });
    const revoked = await herald.graphql(REVOKE, { input: {} }, acme.key);
    expect(revoked.data!.revokePortalSessions).toEqual({ __typename: 'RevokePortalSessionsPayload', revokedCount: live });
    for (const session of sessions) {
      const response = await herald.graphql(ACCESS, {}, session.token);
      expect(response.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
    }
    expect((await herald.graphql(ACCESS, {}, kept.token)).data!.access.organization.slug).toBe('other');
    // The organization's own key is not a session and keeps working.
    expect((await herald.graphql(ACCESS, {}, acme.key)).errors).toBeUndefined();
    // An admin names the organization; nothing is left to revoke.
    const again = await herald.graphql(REVOKE, { input: { organizationId: acme.globalId } }, herald.adminKey);
    expect(again.data!.revokePortalSessions.revokedCount).toBe(0);
    expect((await herald.graphql(REVOKE, { input: {} }, herald.adminKey)).data!.revokePortalSessions.__typename).toBe('ValidationError');
  });

  it('an unknown key gets no reason', async () => {
    const response = await herald.graphql(ACCESS, {}, 'hrld_portal_unknown');
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });
});

describe('access', () => {
  it('describes each kind of key', async () => {
    expect((await herald.graphql(ACCESS, {}, herald.adminKey)).data!.access).toEqual({
      kind: 'ADMIN', scopes: [], readOnly: false, expiresAt: null, organization: null,
    });
    const reader = await herald.organization('access-reader', ['deliveries:read', 'endpoints:read']);
    expect((await herald.graphql(ACCESS, {}, reader.key)).data!.access).toEqual({
      kind: 'ORGANIZATION', scopes: ['endpoints:read', 'deliveries:read'], readOnly: true, expiresAt: null, organization: { slug: 'access-reader' },
    });
    const session = await mint(acme.key, { readOnly: true, expiresInSeconds: 600 });
    expect((await herald.graphql(ACCESS, {}, session.token)).data!.access).toEqual({
      kind: 'PORTAL', scopes: ['endpoints:read', 'events:read', 'deliveries:read'], readOnly: true, expiresAt: session.expiresAt, organization: { slug: 'acme' },
    });
    expect((await herald.graphql(ACCESS, {}, acme.key)).data!.access).toMatchObject({ kind: 'ORGANIZATION', readOnly: false });
    expect((await herald.graphql(ACCESS, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('Endpoint.stats', () => {
  it('counts the deliveries of each endpoint in the window, and needs deliveries:read', async () => {
    const statsCo = await herald.organization('stats-co');
    for (const name of ['a', 'b', 'c']) {
      const created = await herald.graphql(
        `mutation { createEndpoint(input: { name: "${name}", url: "http://127.0.0.1:9/${name}", eventTypes: ["*"] }) { ... on CreateEndpointPayload { endpoint { id } } } }`,
        {},
        statsCo.key,
      );
      expect(created.data!.createEndpoint.endpoint.id).toBeTruthy();
    }
    const rows = await herald.db.endpoint.findMany({ where: { organizationId: statsCo.id }, orderBy: { name: 'asc' } });
    const [a, b] = rows.map((row) => row.id);
    const now = Date.now();
    const deliveries: Array<[string, 'SUCCEEDED' | 'FAILED' | 'RETRYING', number]> = [
      [a!, 'SUCCEEDED', 10],
      [a!, 'SUCCEEDED', 20],
      [a!, 'SUCCEEDED', 30],
      [a!, 'FAILED', 40],
      [a!, 'RETRYING', 50],
      // Older than 24 hours: only in a wider window.
      [a!, 'FAILED', 30 * 3_600],
      [b!, 'RETRYING', 5],
    ];
    for (const [endpointId, status, secondsAgo] of deliveries) {
      const at = new Date(now - secondsAgo * 1_000);
      const event = await herald.db.event.create({ data: { id: uuidv7({ msecs: at.getTime() }), organizationId: statsCo.id, type: 'webhook.test', payload: {}, createdAt: at } });
      await herald.db.delivery.create({
        data: { id: uuidv7({ msecs: at.getTime() }), organizationId: statsCo.id, eventId: event.id, endpointId, status, createdAt: at },
      });
    }
    const query = `query($hours: Int) { endpoints { edges { node { name stats(hours: $hours) { total succeeded failed successRate lastDeliveryAt } } } } }`;
    const statsOf = async (hours?: number) => {
      const response = await herald.graphql(query, hours ? { hours } : {}, statsCo.key);
      expect(response.errors).toBeUndefined();
      return Object.fromEntries(response.data!.endpoints.edges.map((edge: any) => [edge.node.name, edge.node.stats]));
    };
    const day = await statsOf();
    expect(day).toEqual({
      a: { total: 5, succeeded: 3, failed: 1, successRate: 0.75, lastDeliveryAt: new Date(now - 10_000).toISOString() },
      b: { total: 1, succeeded: 0, failed: 0, successRate: null, lastDeliveryAt: new Date(now - 5_000).toISOString() },
      c: { total: 0, succeeded: 0, failed: 0, successRate: null, lastDeliveryAt: null },
    });
    const twoDays = await statsOf(48);
    expect(twoDays.a).toMatchObject({ total: 6, failed: 2, successRate: 0.6 });

    // Out of range, and without deliveries:read.
    const tooWide = await herald.graphql(query, { hours: 721 }, statsCo.key);
    expect(tooWide.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const endpointsOnly = await herald.graphql(
      'query { endpoints { edges { node { stats { total } } } } }',
      {},
      (await mint(statsCo.key, { scopes: ['endpoints:read'] })).token,
    );
    expect(endpointsOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reads a page of endpoints with one grouped query', async () => {
    const statsCo = await herald.db.organization.findFirstOrThrow({ where: { slug: 'stats-co' } });
    const session = await mint(herald.adminKey, { organizationId: encodeGlobalId('Organization', statsCo.id), readOnly: true });
    // The same API over a client that counts the statistics queries it is asked for.
    let statsQueries = 0;
    const counting = herald.db.$extends({
      query: {
        deliveryOutcomeRollup: {
          $allOperations({ args, query }) {
            statsQueries++;
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const yoga = createHeraldYoga({ services: { ...herald.services, db: counting }, log: silentLogger, isReady: async () => true });
    const response = await yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ query: 'query { endpoints { edges { node { id stats { total } day: stats(hours: 24) { failed } week: stats(hours: 168) { total } } } } }' }),
    });
    const body = (await response.json()) as { data: { endpoints: { edges: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.endpoints.edges).toHaveLength(3);
    // One per window (24 hours twice, 168 once), not one per endpoint.
    expect(statsQueries).toBe(2);
    await yoga.dispose();
  });
});

const REVOKE_KEY = 'mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { __typename } }';

/** The API over this file's database with some limits replaced (and a fresh mint limiter for them). */
function apiWith(overrides: Partial<TestHerald['config']>) {
  const config = { ...herald.config, ...overrides };
  const yoga = createHeraldYoga({ services: { ...herald.services, config, sessionMints: createSessionMints(config.portalSessionsPerMinute) }, log: silentLogger, isReady: async () => true });
  return {
    async mint(key: string, input: Record<string, unknown> = {}) {
      const response = await yoga.fetch('http://herald.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: MINT_LIMITED, variables: { input } }),
      });
      const body = (await response.json()) as { data?: { createPortalSession: Record<string, any> }; errors?: unknown };
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data!.createPortalSession;
    },
    dispose: () => yoga.dispose(),
  };
}

const MINT_LIMITED = `mutation($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) {
    __typename
    ... on CreatePortalSessionPayload { token }
    ... on Error { message }
    ... on RateLimitedError { retryAfterSeconds }
    ... on LimitExceededError { limit }
  }
}`;

describe('a session and the key that minted it', () => {
  it('is revoked with its minting key (reason REVOKED), its open socket closed with 4401; sessions of other keys live on', async () => {
    const org = await herald.organization('minter-co');
    const minterId = (await herald.db.apiKey.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ORGANIZATION' } })).id;
    const second = await createOrganizationKey(herald.db, { organizationId: org.id });
    const [session, otherSession] = [await mint(org.key), await mint(second.token)];
    expect(await herald.db.apiKey.findFirstOrThrow({ where: { hash: Uint8Array.from(hashApiKey(session.token)) } })).toMatchObject({ mintedByKeyId: minterId });
    const server = await herald.listen();
    const socket = await holdSubscription(server, session.token);
    const { client } = socket;
    try {
      const revoked = await herald.graphql(REVOKE_KEY, { input: { id: encodeGlobalId('ApiKey', minterId) } }, herald.adminKey);
      expect(revoked.errors).toBeUndefined();
      const refused = await herald.graphql(ACCESS, {}, session.token);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
      expect((await herald.graphql(ACCESS, {}, otherSession.token)).data?.access.kind).toBe('PORTAL');
      await waitFor(async () => socket.closeCode() !== undefined, 'the socket to be closed', 10_000);
      expect(socket.closeCode()).toBe(4401);
    } finally {
      await client.dispose();
      await server.close();
    }
  }, 15_000);

  it('an admin key revoked takes the sessions it minted with it', async () => {
    const admin = await createAdminKey(herald.db);
    const session = await mint(admin.token, { organizationId: acme.globalId });
    await revokeApiKey(herald.db, admin.apiKey.id);
    expect((await herald.graphql(ACCESS, {}, session.token)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
  });
});

describe('minting limits', () => {
  it('admits HERALD_PORTAL_SESSIONS_PER_MINUTE mints of a key at once, then answers RateLimitedError; other keys are not affected', async () => {
    const api = apiWith({ portalSessionsPerMinute: 5 });
    try {
      const org = await herald.organization('mint-rate-co');
      const other = await herald.organization('mint-rate-other');
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await api.mint(org.key));
      expect(answers.map((a) => a.__typename)).toEqual([...Array(5).fill('CreatePortalSessionPayload'), ...Array(3).fill('RateLimitedError')]);
      expect(answers[5]).toMatchObject({ message: expect.stringContaining('HERALD_PORTAL_SESSIONS_PER_MINUTE') });
      // One every 60/5 = 12 s once the burst is spent.
      expect(answers[5]!.retryAfterSeconds).toBeGreaterThanOrEqual(11);
      expect(answers[5]!.retryAfterSeconds).toBeLessThanOrEqual(12);
      // Nothing was written for the refused ones.
      expect(await herald.db.apiKey.count({ where: { organizationId: org.id, kind: 'PORTAL' } })).toBe(5);
      expect((await api.mint(other.key)).__typename).toBe('CreatePortalSessionPayload');
    } finally {
      await api.dispose();
    }
  });

  it('bounds the live sessions of an organization (LimitExceededError), also under concurrent mints, and admits again once they are revoked', async () => {
    const api = apiWith({ maxPortalSessionsPerOrg: 3 });
    try {
      const org = await herald.organization('session-cap-co');
      const answers = await Promise.all(Array.from({ length: 10 }, () => api.mint(org.key)));
      const kinds = answers.map((a) => a.__typename);
      expect(kinds.filter((k) => k === 'CreatePortalSessionPayload')).toHaveLength(3);
      expect(kinds.filter((k) => k === 'LimitExceededError')).toHaveLength(7);
      expect(answers.find((a) => a.__typename === 'LimitExceededError')).toMatchObject({ limit: 3, message: expect.stringContaining('HERALD_MAX_PORTAL_SESSIONS_PER_ORG') });
      expect(await herald.db.apiKey.count({ where: { organizationId: org.id, kind: 'PORTAL' } })).toBe(3);
      // Expired sessions do not count; revoked ones neither.
      await herald.db.apiKey.updateMany({ where: { organizationId: org.id, kind: 'PORTAL' }, data: { expiresAt: new Date(Date.now() - 1_000) } });
      expect((await api.mint(org.key)).__typename).toBe('CreatePortalSessionPayload');
      await herald.graphql(REVOKE, { input: {} }, org.key);
      expect((await api.mint(org.key)).__typename).toBe('CreatePortalSessionPayload');
    } finally {
      await api.dispose();
    }
  });
});

/** A graphql-ws client holding one subscription with `token`, and the code its socket closed with. */
async function holdSubscription(server: Awaited<ReturnType<TestHerald['listen']>>, token: string) {
  let closeCode: number | undefined;
  const client = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  client.subscribe({ query: 'subscription { endpointUpdated { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  await waitFor(async () => server.sockets.held().subscriptions === 1, 'the subscription to be held');
  return { client, closeCode: () => closeCode };
}
