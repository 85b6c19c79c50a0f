// De-risks the audit log through the public API against a real Postgres: each configuration change
// writes exactly one entry in its own transaction (none when it fails), no secret value reaches the
// table, organizations never see each other's entries, portal sessions may not read them, paging
// holds, and retention removes old entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/uuid7.ts';
import { encodeGlobalId } from '../../src/global-id.ts';
import { compilePayloadSchema } from '../../src/event-types/payload-schema.ts';
import { OPERATOR_ORGANIZATION_ID } from '../../src/organizations/operator.ts';
import { purgeExpired } from '../../src/worker/retention.ts';
import { auditIdFloor } from '../../src/audit/audit-log.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, DELETE_ENDPOINT, ROTATE_SECRET, TOGGLE_ENDPOINT, UPDATE_ENDPOINT } from '../support/operations.ts';

const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id action actor { kind id } targetId organizationId at changes } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Entry {
  id: string;
  action: string;
  actor: { kind: string; id: string | null };
  targetId: string;
  organizationId: string | null;
  at: string;
  changes: Record<string, { before: unknown; after: unknown }>;
}

let herald: TestHerald;
let acme: { id: string; globalId: string; key: string };
let acmeKeyId: string;
let other: { id: string; globalId: string; key: string };
let adminKeyId: string;

beforeAll(async () => {
  herald = await startTestHerald({ maxEndpointsPerOrg: 3 });
  await herald.db.eventType.create({ data: { name: 'invoice.paid' } });
  acme = await herald.organization('acme');
  other = await herald.organization('other');
  acmeKeyId = (await herald.db.apiKey.findFirstOrThrow({ where: { organizationId: acme.id, kind: 'ORGANIZATION' } })).id;
  adminKeyId = (await herald.db.apiKey.findFirstOrThrow({ where: { kind: 'ADMIN' } })).id;
});
afterAll(() => herald.close());

async function auditLog(key: string, filter: Record<string, unknown> = {}, page: { first?: number; after?: string } = {}) {
  const response = await herald.graphql(AUDIT_LOG, { filter, ...page }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.auditLog as { edges: Array<{ cursor: string; node: Entry }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

async function entriesFor(targetId: string): Promise<Entry[]> {
  return (await auditLog(herald.adminKey, { targetId }, { first: 100 })).edges.map((edge) => edge.node).reverse();
}

/** Every stored entry as text, to look for secrets in. */
async function tableText(): Promise<string> {
  return JSON.stringify(await herald.db.$queryRawUnsafe('SELECT row_to_json(a)::text AS row FROM audit_entries a'));
}

async function call(document: string, input: Record<string, unknown>, key: string) {
  const response = await herald.graphql(document, { input }, key);
  expect(response.errors).toBeUndefined();
  return Object.values(response.data!)[0] as Record<string, any>;
}

describe('auditLog', { timeout: 60_000 }, () => {
  it('records each endpoint change once, with its actor, target and changes, and no secret value', async () => {
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/hooks', eventTypes: ['invoice.paid'], headers: [{ name: 'Authorization', value: 'Bearer header-secret-1' }] }, acme.key);
    expect(created.__typename).toBe('CreateEndpointPayload');
    const endpointId: string = created.endpoint.id;
    const updated = await call(UPDATE_ENDPOINT, { id: endpointId, url: 'https://acme.example/v2', headers: [{ name: 'Authorization', value: 'Bearer header-secret-2' }] }, acme.key);
    expect(updated.__typename).toBe('UpdateEndpointPayload');
    const rotated = await call(ROTATE_SECRET, { id: endpointId, gracePeriodSeconds: 60 }, acme.key);
    expect(rotated.__typename).toBe('RotateEndpointSecretPayload');
    expect((await call(TOGGLE_ENDPOINT, { id: endpointId, active: false }, acme.key)).__typename).toBe('ToggleEndpointPayload');
    expect((await call(TOGGLE_ENDPOINT, { id: endpointId, active: true }, acme.key)).__typename).toBe('ToggleEndpointPayload');
    expect((await call(DELETE_ENDPOINT, { id: endpointId }, acme.key)).__typename).toBe('DeleteEndpointPayload');

    const entries = await entriesFor(endpointId);
    expect(entries.map((entry) => entry.action)).toEqual([
      'endpoint.created',
      'endpoint.updated',
      'endpoint.secret_rotated',
      'endpoint.disabled',
      'endpoint.enabled',
      'endpoint.deleted',
    ]);
    for (const entry of entries) {
      expect(entry.actor).toEqual({ kind: 'ORGANIZATION_KEY', id: encodeGlobalId('ApiKey', acmeKeyId) });
      expect(entry.organizationId).toBe(acme.globalId);
    }
    const [create, update, rotate, disable, , remove] = entries;
    expect(create!.changes).toMatchObject({
      url: { before: null, after: 'https://acme.example/hooks' },
      eventTypes: { before: null, after: ['invoice.paid'] },
      headers: { before: null, after: [{ name: 'Authorization', value: '[redacted]' }] },
    });
    expect(update!.changes).toEqual({
      url: { before: 'https://acme.example/hooks', after: 'https://acme.example/v2' },
      headers: { before: [{ name: 'Authorization', value: '[redacted]' }], after: [{ name: 'Authorization', value: '[redacted]' }] },
    });
    expect(rotate!.changes).toEqual({ secret: { before: '[redacted]', after: '[redacted]' } });
    expect(disable!.changes).toEqual({ active: { before: true, after: false } });
    expect(remove!.changes).toMatchObject({ url: { before: 'https://acme.example/v2', after: null } });

    const text = await tableText();
    for (const secret of [created.secret, rotated.secret, 'header-secret-1', 'header-secret-2', acme.key]) expect(text).not.toContain(secret);
  });

  it('records receiver authentication and trace settings, a replaced client secret as a changed tag, never its value', async () => {
    const oauth2 = { tokenUrl: 'https://auth.acme.example/token', clientId: 'herald', clientSecret: 'oauth-secret-1', scopes: ['hooks'] };
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/oauth', eventTypes: ['invoice.paid'], authentication: { oauth2 } }, acme.key);
    expect(created.__typename).toBe('CreateEndpointPayload');
    const endpointId: string = created.endpoint.id;
    const updated = await call(UPDATE_ENDPOINT, { id: endpointId, propagateTraceContext: true, authentication: { oauth2: { ...oauth2, clientSecret: 'oauth-secret-2' } } }, acme.key);
    expect(updated.__typename).toBe('UpdateEndpointPayload');
    const [create, update] = await entriesFor(endpointId);
    expect(create!.changes).toMatchObject({ authentication: { before: null, after: { tokenUrl: oauth2.tokenUrl, clientId: 'herald', clientSecret: expect.stringMatching(/^\[redacted\]:[0-9a-f]{8}$/) } } });
    const { before, after } = update!.changes.authentication as { before: { clientSecret: string }; after: { clientSecret: string } };
    expect(before.clientSecret).not.toBe(after.clientSecret);
    expect(update!.changes.propagateTraceContext).toEqual({ before: false, after: true });
    const text = await tableText();
    for (const secret of ['oauth-secret-1', 'oauth-secret-2']) expect(text).not.toContain(secret);
    expect((await call(DELETE_ENDPOINT, { id: endpointId }, acme.key)).__typename).toBe('DeleteEndpointPayload');
  });

  it('records a pause and a resume once each (pausing a paused endpoint records nothing)', async () => {
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/paused', eventTypes: ['invoice.paid'] }, acme.key);
    const endpointId: string = created.endpoint.id;
    const pause = `mutation($input: PauseEndpointInput!) { pauseEndpoint(input: $input) { __typename } }`;
    const resume = `mutation($input: ResumeEndpointInput!) { resumeEndpoint(input: $input) { __typename } }`;
    expect((await call(pause, { id: endpointId }, acme.key)).__typename).toBe('PauseEndpointPayload');
    expect((await call(pause, { id: endpointId }, acme.key)).__typename).toBe('PauseEndpointPayload');
    expect((await call(resume, { id: endpointId }, acme.key)).__typename).toBe('ResumeEndpointPayload');
    const entries = await entriesFor(endpointId);
    expect(entries.map((entry) => [entry.action, entry.changes])).toEqual([
      ['endpoint.created', expect.any(Object)],
      ['endpoint.paused', { paused: { before: false, after: true } }],
      ['endpoint.resumed', { paused: { before: true, after: false } }],
    ]);
    expect((await call(DELETE_ENDPOINT, { id: endpointId }, acme.key)).__typename).toBe('DeleteEndpointPayload');
  });

  it('announces endpoint creation, update and deletion as operational events that match their catalog schemas', async () => {
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/announced', eventTypes: ['invoice.paid'] }, acme.key);
    const endpointId: string = created.endpoint.id;
    await call(UPDATE_ENDPOINT, { id: endpointId, eventTypes: ['*'] }, acme.key);
    await call(DELETE_ENDPOINT, { id: endpointId }, acme.key);
    const events = await herald.db.event.findMany({
      where: { organizationId: OPERATOR_ORGANIZATION_ID, type: { in: ['herald.endpoint.created', 'herald.endpoint.updated', 'herald.endpoint.deleted'] } },
      orderBy: { id: 'asc' },
    });
    const mine = events.filter((event) => (event.payload as { endpointId: string }).endpointId === endpointId);
    expect(mine.map((event) => event.type)).toEqual(['herald.endpoint.created', 'herald.endpoint.updated', 'herald.endpoint.deleted']);
    expect(mine[1]!.payload).toMatchObject({ organizationId: acme.globalId, changedFields: ['eventTypes'], actor: { kind: 'ORGANIZATION_KEY', id: encodeGlobalId('ApiKey', acmeKeyId) } });
    for (const event of mine) {
      const catalog = await herald.db.eventType.findUniqueOrThrow({ where: { name: event.type } });
      const compiled = compilePayloadSchema(catalog.schema);
      expect(compiled.ok && compiled.validate(event.payload), event.type).toEqual({ ok: true });
    }
  });

  it('writes nothing when the change fails with a typed error', async () => {
    const before = await herald.db.auditEntry.count();
    const invalid = await call(CREATE_ENDPOINT, { url: 'ftp://nope', eventTypes: ['invoice.paid'] }, acme.key);
    expect(invalid.__typename).toBe('ValidationError');
    const missing = await call(DELETE_ENDPOINT, { id: encodeGlobalId('Endpoint', uuidv7()) }, acme.key);
    expect(missing.__typename).toBe('NotFoundError');
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/kept', eventTypes: ['invoice.paid'] }, acme.key);
    const badUpdate = await call(UPDATE_ENDPOINT, { id: created.endpoint.id, url: 'not a url' }, acme.key);
    expect(badUpdate.__typename).toBe('ValidationError');
    const badRotate = await call(ROTATE_SECRET, { id: created.endpoint.id, secret: 'whsec_short' }, acme.key);
    expect(badRotate.__typename).toBe('ValidationError');
    // Refused inside the creation's transaction (the limit is 3): rolled back, entry and all.
    await call(CREATE_ENDPOINT, { url: 'https://acme.example/two', eventTypes: ['invoice.paid'] }, acme.key);
    await call(CREATE_ENDPOINT, { url: 'https://acme.example/three', eventTypes: ['invoice.paid'] }, acme.key);
    const over = await call(CREATE_ENDPOINT, { url: 'https://acme.example/four', eventTypes: ['invoice.paid'] }, acme.key);
    expect(over.__typename).toBe('LimitExceededError');
    expect(await herald.db.auditEntry.count()).toBe(before + 3);
    await herald.db.endpoint.deleteMany({ where: { organizationId: acme.id } });
  });

  it('is written in the transaction of the change: when the entry cannot be written, the change is not made', async () => {
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/atomic', eventTypes: ['invoice.paid'] }, acme.key);
    // A fault in the entry's INSERT, after the endpoint's UPDATE in the same transaction.
    await herald.db.$executeRawUnsafe(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
    await herald.db.$executeRawUnsafe(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries FOR EACH ROW WHEN (NEW.action = 'endpoint.updated') EXECUTE FUNCTION refuse_audit()`);
    try {
      const refused = await herald.graphql(UPDATE_ENDPOINT, { input: { id: created.endpoint.id, url: 'https://acme.example/moved' } }, acme.key);
      expect(refused.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await herald.db.$executeRawUnsafe('DROP TRIGGER refuse_audit ON audit_entries');
      await herald.db.$executeRawUnsafe('DROP FUNCTION refuse_audit');
    }
    const endpoints = await herald.graphql('{ endpoints { edges { node { id url } } } }', {}, acme.key);
    expect(endpoints.data!.endpoints.edges.map((edge: { node: { url: string } }) => edge.node.url)).toContain('https://acme.example/atomic');
    expect((await entriesFor(created.endpoint.id)).map((entry) => entry.action)).toEqual(['endpoint.created']);
    await herald.db.endpoint.deleteMany({ where: { organizationId: acme.id } });
  });

  it('records keys, portal sessions and event types, with the actor that made them', async () => {
    const createKey = await herald.graphql(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeyPayload { key apiKey { id } } } }',
      { input: { organizationId: acme.globalId, name: 'ci', scopes: ['events:publish'] } },
      herald.adminKey,
    );
    const { key: token, apiKey } = createKey.data!.createApiKey;
    await herald.graphql('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { __typename } }', { input: { id: apiKey.id } }, herald.adminKey);
    const keyEntries = await entriesFor(apiKey.id);
    expect(keyEntries.map((entry) => [entry.action, entry.actor.kind, entry.actor.id])).toEqual([
      ['key.created', 'ADMIN', encodeGlobalId('ApiKey', adminKeyId)],
      ['key.revoked', 'ADMIN', encodeGlobalId('ApiKey', adminKeyId)],
    ]);
    expect(keyEntries[0]!.changes).toMatchObject({ name: { before: null, after: 'ci' }, scopes: { before: null, after: ['events:publish'] } });

    const minted = await herald.graphql(
      'mutation($input: CreatePortalSessionInput!) { createPortalSession(input: $input) { __typename ... on CreatePortalSessionPayload { token session { id } } } }',
      { input: { readOnly: true } },
      acme.key,
    );
    const session = minted.data!.createPortalSession;
    const revoked = await herald.graphql('mutation($input: RevokePortalSessionsInput!) { revokePortalSessions(input: $input) { __typename ... on RevokePortalSessionsPayload { revokedCount } } }', { input: {} }, acme.key);
    expect(revoked.data!.revokePortalSessions.revokedCount).toBe(1);
    expect((await entriesFor(session.session.id)).map((entry) => [entry.action, entry.actor.kind])).toEqual([['portal_session.created', 'ORGANIZATION_KEY']]);
    const [revocation] = await entriesFor(acme.globalId);
    expect(revocation).toMatchObject({ action: 'portal_session.revoked', changes: { liveSessions: { before: 1, after: 0 } } });

    await herald.graphql('mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { __typename } }', { input: { name: 'order.shipped', description: 'Shipped.' } }, herald.adminKey);
    await herald.graphql('mutation($input: UpdateEventTypeInput!) { updateEventType(input: $input) { __typename } }', { input: { name: 'order.shipped', deprecated: true } }, herald.adminKey);
    const typeEntries = await entriesFor('order.shipped');
    expect(typeEntries.map((entry) => [entry.action, entry.organizationId])).toEqual([['event_type.created', null], ['event_type.deprecated', null]]);
    expect(typeEntries[1]!.changes).toEqual({ deprecated: { before: false, after: true } });
    // Deployment-wide entries are the admins' alone.
    expect((await auditLog(acme.key, { targetId: 'order.shipped' })).edges).toEqual([]);

    const text = await tableText();
    expect(text).not.toContain(token);
    expect(text).not.toContain(session.token);
  });

  it('names a portal session as the actor of its changes, and refuses it the log', async () => {
    const minted = await herald.graphql(
      'mutation($input: CreatePortalSessionInput!) { createPortalSession(input: $input) { ... on CreatePortalSessionPayload { token session { id } } } }',
      { input: {} },
      acme.key,
    );
    const { token, session } = minted.data!.createPortalSession;
    const created = await call(CREATE_ENDPOINT, { url: 'https://acme.example/from-portal', eventTypes: ['invoice.paid'] }, token);
    const [entry] = await entriesFor(created.endpoint.id);
    expect(entry!.actor).toEqual({ kind: 'PORTAL_SESSION', id: session.id });
    const refused = await herald.graphql(AUDIT_LOG, {}, token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const readOnlyKey = (await herald.organization('reader', ['endpoints:read'])).key;
    expect((await herald.graphql(AUDIT_LOG, {}, readOnlyKey)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await herald.db.endpoint.deleteMany({ where: { organizationId: acme.id } });
  });

  it("keeps organizations apart; admins read across them and filter by organization, action, actor and time", async () => {
    const start = new Date();
    const mine = await call(CREATE_ENDPOINT, { url: 'https://other.example/hooks', eventTypes: ['invoice.paid'] }, other.key);
    const otherLog = (await auditLog(other.key, {}, { first: 100 })).edges.map((edge) => edge.node);
    // Its own key's creation (by the test's setup) and its endpoint: nothing of acme's.
    expect(otherLog.map((entry) => entry.action)).toEqual(['endpoint.created', 'key.created']);
    expect(otherLog[0]!.targetId).toBe(mine.endpoint.id);
    const acmeLog = (await auditLog(acme.key, {}, { first: 100 })).edges.map((edge) => edge.node);
    expect(acmeLog.length).toBeGreaterThan(0);
    expect(acmeLog.every((entry) => entry.organizationId === acme.globalId)).toBe(true);
    // Naming another organization finds nothing, rather than its entries.
    expect((await auditLog(acme.key, { organizationId: other.globalId })).edges).toEqual([]);

    const all = (await auditLog(herald.adminKey, {}, { first: 100 })).edges.map((edge) => edge.node);
    expect([...new Set(all.map((entry) => entry.organizationId))]).toEqual(expect.arrayContaining([acme.globalId, other.globalId, null]));
    expect((await auditLog(herald.adminKey, { organizationId: other.globalId })).edges.map((edge) => edge.node.id)).toEqual(otherLog.map((entry) => entry.id));
    expect((await auditLog(herald.adminKey, { action: 'key.revoked' })).edges.map((edge) => edge.node.action)).toEqual(['key.revoked']);
    expect((await auditLog(herald.adminKey, { actorId: encodeGlobalId('ApiKey', adminKeyId) }, { first: 100 })).edges.every((edge) => edge.node.actor.kind === 'ADMIN')).toBe(true);
    expect((await auditLog(herald.adminKey, { since: start.toISOString() })).edges.map((edge) => edge.node.targetId)).toEqual([mine.endpoint.id]);
    expect((await auditLog(other.key, { until: start.toISOString() })).edges.map((edge) => edge.node.action)).toEqual(['key.created']);
    const badAction = await herald.graphql(AUDIT_LOG, { filter: { action: 'endpoint.exploded' } }, herald.adminKey);
    expect(badAction.errors?.[0]).toMatchObject({ message: expect.stringContaining('endpoint.created'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('pages newest first by cursor, and refuses a cursor of another organization', async () => {
    const all = (await auditLog(herald.adminKey, {}, { first: 100 })).edges.map((edge) => edge.node.id);
    expect([...all].sort().reverse()).toEqual(all);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await auditLog(herald.adminKey, {}, { first: 4, ...(after ? { after } : {}) });
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(all);
    const acmeCursor = (await auditLog(acme.key, {}, { first: 1 })).pageInfo.endCursor!;
    const refused = await herald.graphql(AUDIT_LOG, { first: 1, after: acmeCursor }, other.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is retained like history: entries older than HERALD_RETENTION_DAYS go', async () => {
    const old = Date.now() - 40 * 86_400_000;
    // uuidv7() never goes back in time: the id of an old entry is made from its millisecond.
    const oldId = auditIdFloor(new Date(old)).replace(/0000-0000-000000000000$/, '7000-8000-000000000001');
    await herald.db.auditEntry.create({
      data: { id: oldId, organizationId: acme.id, action: 'endpoint.created', actorKind: 'SYSTEM', targetId: 'ep_old', at: new Date(old), changes: {} },
    });
    const recent = await herald.db.auditEntry.count();
    await purgeExpired(herald.db, 30);
    expect(await herald.db.auditEntry.findUnique({ where: { id: oldId } })).toBeNull();
    expect(await herald.db.auditEntry.count()).toBe(recent - 1);
  });
});
