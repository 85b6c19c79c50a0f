// De-risks STANDARD_WEBHOOKS_ED25519 end to end against a real PostgreSQL, a real worker and a real
// receiver on 127.0.0.1: the API answers a whsk_ private key once and lists the whpk_ public keys;
// a delivery's `webhook-signature: v1a,…` verifies with node:crypto from the public key alone (no
// Herald code in the check); a rotation grace carries one v1a entry per key; the public JWKS is
// served without a key and 404s for unknown and HMAC endpoints; malformed keys are a
// ValidationError that writes nothing; and no private key is ever returned again or logged.
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecret } from '../../src/endpoints/secret-box.ts';
import { idOfType } from '../../src/global-id.ts';
import type { Logger } from '../../src/log.ts';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import vectors from '../engine/fixtures/ed25519-vectors.json' with { type: 'json' };

const KEY_FIELDS = 'id signatureScheme signingPublicKeys jwksUrl previousSecretExpiresAt';
const CREATE = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { secret endpoint { ${KEY_FIELDS} } } ... on ValidationError { message fields { path message } } }
}`;
const ROTATE = `mutation($input: RotateEndpointSecretInput!) {
  rotateEndpointSecret(input: $input) { __typename ... on RotateEndpointSecretPayload { secret endpoint { ${KEY_FIELDS} } } ... on ValidationError { fields { path message } } }
}`;
const READ = `query($id: ID!) { endpoint(id: $id) { ${KEY_FIELDS} } }`;

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let otherOrganizationKey: string;
let organizationId: string;
/** Every private key the API answered, to look for in the log. */
const answeredKeys: string[] = [];
const logged: string[] = [];
const capture = (level: string) => (message: string, fields?: Record<string, unknown>) => void logged.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
const log: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 100], deliveryTimeoutMs: 2_000, publicUrl: 'https://hooks.example.com' }, { worker: true, log });
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver();
  const org = await herald.organization('ed25519-co');
  key = org.key;
  organizationId = org.id;
  otherOrganizationKey = (await herald.organization('ed25519-other')).key;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

interface KeyedEndpoint {
  id: string;
  signatureScheme: string;
  signingPublicKeys: string[];
  jwksUrl: string | null;
  previousSecretExpiresAt: string | null;
}

async function createEd25519(path: string, extra: Record<string, unknown> = {}): Promise<{ secret: string; endpoint: KeyedEndpoint }> {
  const input = { url: `${receiver.url}${path}`, eventTypes: ['*'], projects: [path.slice(1)], signatureScheme: 'STANDARD_WEBHOOKS_ED25519', ...extra };
  const response = await herald.graphql(CREATE, { input }, key);
  expect(response.errors).toBeUndefined();
  expect(response.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  answeredKeys.push(response.data!.createEndpoint.secret);
  return response.data!.createEndpoint;
}

async function jwks(url: string, method = 'GET') {
  const { pathname } = new URL(url);
  return herald.yoga.fetch(`http://herald.test${pathname}`, { method });
}

/** node:crypto's own check of one v1a entry against a whpk_ key: no Herald code involved. */
function verifiesWith(publicKey: string, request: ReceivedRequest, entry: string): boolean {
  const keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url') }, format: 'jwk' });
  const content = Buffer.from(`${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`, 'utf8');
  return verify(null, content, keyObject, Buffer.from(entry.slice('v1a,'.length), 'base64'));
}

async function deliveredTo(path: string): Promise<ReceivedRequest> {
  const { deliveryIds } = await publishEvent(withKey(herald, key), { type: 'order.created', payload: { orderId: 7 }, project: path.slice(1) });
  await waitFor(async () => {
    const row = await herald.db.delivery.findUnique({ where: { id: idOfType(deliveryIds[0]!, 'Delivery')! } });
    return row?.status === 'SUCCEEDED' ? row : null;
  }, `delivery to ${path}`);
  return receiver.requests.filter((request) => request.url === path).at(-1)!;
}

describe('an Ed25519 endpoint', () => {
  it('answers a whsk_ private key once, and lists its whpk_ public key and a JWKS URL', async () => {
    const { secret, endpoint } = await createEd25519('/created');
    expect(secret).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint.signatureScheme).toBe('STANDARD_WEBHOOKS_ED25519');
    expect(endpoint.signingPublicKeys).toHaveLength(1);
    expect(endpoint.signingPublicKeys[0]).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint.signingPublicKeys[0]!.slice(5)).not.toBe(secret.slice(5));
    expect(endpoint.jwksUrl).toMatch(/^https:\/\/hooks\.example\.com\/jwks\/[A-Za-z0-9_-]{24}\.json$/);
    // The URL names neither the endpoint nor its organization.
    const id = idOfType(endpoint.id, 'Endpoint')!;
    expect(endpoint.jwksUrl).not.toContain(id.replaceAll('-', '').slice(0, 12));
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id } });
    expect(row.secretSealed).not.toContain(secret.slice(5));
    expect(openSecret(row.secretSealed, herald.services.encryptionKeys, id)).toBe(secret);
    const again = await herald.graphql(READ, { id: endpoint.id }, key);
    expect(again.data!.endpoint).toEqual(endpoint);
    expect(JSON.stringify(again)).not.toContain(secret.slice(5));
  });

  it('takes a whsk_ key given (the 64-byte layout too) and answers its public key', async () => {
    const [vector] = vectors.webhooks;
    const given = await createEd25519('/given', { secret: vector!.secretKey64 });
    expect(given.secret).toBe(vector!.secretKey);
    expect(given.endpoint.signingPublicKeys).toEqual([vector!.publicKey]);
  });

  it.each([
    ['an HMAC secret', `whsec_${Buffer.alloc(32, 7).toString('base64')}`],
    ['a public key', vectors.webhooks[0]!.publicKey],
    ['a short key', `whsk_${Buffer.alloc(16, 7).toString('base64')}`],
  ])('refuses %s as its key with a ValidationError, creating nothing', async (_case, secret) => {
    const before = await herald.db.endpoint.count();
    const input = { url: `${receiver.url}/refused`, eventTypes: ['*'], signatureScheme: 'STANDARD_WEBHOOKS_ED25519', secret };
    const response = await herald.graphql(CREATE, { input }, key);
    expect(response.data!.createEndpoint.__typename).toBe('ValidationError');
    expect(response.data!.createEndpoint.fields).toEqual([{ path: ['secret'], message: expect.stringMatching(/^must be whsk_ followed by the base64 of an Ed25519 private key/) }]);
    expect(await herald.db.endpoint.count()).toBe(before);
  });

  it('an HMAC endpoint refuses a whsk_ key and has no public keys nor JWKS', async () => {
    const refused = await herald.graphql(CREATE, { input: { url: `${receiver.url}/hmac`, eventTypes: ['*'], secret: vectors.webhooks[0]!.secretKey } }, key);
    expect(refused.data!.createEndpoint.__typename).toBe('ValidationError');
    const created = await herald.graphql(CREATE, { input: { url: `${receiver.url}/hmac`, eventTypes: ['*'] } }, key);
    expect(created.data!.createEndpoint.endpoint).toMatchObject({ signatureScheme: 'STANDARD_WEBHOOKS', signingPublicKeys: [], jwksUrl: null });
  });

  it('signs each delivery as webhook-signature: v1a,<base64>, verifiable with node:crypto from the public key', async () => {
    const { endpoint } = await createEd25519('/delivered');
    const request = await deliveredTo('/delivered');
    const header = String(request.headers['webhook-signature']);
    expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesWith(endpoint.signingPublicKeys[0]!, request, header)).toBe(true);
    expect(verifiesWith(endpoint.signingPublicKeys[0]!, { ...request, body: request.body.replace('7', '8') }, header)).toBe(false);
  });

  it('during a rotation grace carries one v1a entry per key, each verifying with its own public key; without one, only the new key', async () => {
    const { endpoint } = await createEd25519('/rotated');
    const rotated = await herald.graphql(ROTATE, { input: { id: endpoint.id, gracePeriodSeconds: 3600 } }, key);
    const { secret: next, endpoint: after } = rotated.data!.rotateEndpointSecret as { secret: string; endpoint: KeyedEndpoint };
    expect(next).toMatch(/^whsk_/);
    expect(after.signingPublicKeys).toHaveLength(2);
    expect(after.signingPublicKeys[1]).toBe(endpoint.signingPublicKeys[0]);
    const [current, previous] = after.signingPublicKeys as [string, string];
    const request = await deliveredTo('/rotated');
    const entries = String(request.headers['webhook-signature']).split(' ');
    expect(entries).toHaveLength(2);
    expect(verifiesWith(current, request, entries[0]!)).toBe(true);
    expect(verifiesWith(previous, request, entries[1]!)).toBe(true);

    const document = (await (await jwks(after.jwksUrl!)).json()) as { keys: Array<{ x: string; kid: string }> };
    expect(document.keys.map((jwk) => `whpk_${Buffer.from(jwk.x, 'base64url').toString('base64')}`)).toEqual([current, previous]);

    const immediate = await herald.graphql(ROTATE, { input: { id: endpoint.id } }, key);
    const third = immediate.data!.rotateEndpointSecret.endpoint as KeyedEndpoint;
    expect(third.signingPublicKeys).toHaveLength(1);
    expect(third.signingPublicKeys).not.toContain(current);
    expect(third.jwksUrl).toBe(endpoint.jwksUrl);
    const single = await deliveredTo('/rotated');
    expect(String(single.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifiesWith(third.signingPublicKeys[0]!, single, String(single.headers['webhook-signature']))).toBe(true);
  });

  it('refuses a rotation to a malformed or HMAC key with a ValidationError, keeping the key it had', async () => {
    const { endpoint } = await createEd25519('/rotate-refused');
    for (const secret of [`whsec_${Buffer.alloc(32, 3).toString('base64')}`, 'whsk_short']) {
      const response = await herald.graphql(ROTATE, { input: { id: endpoint.id, secret } }, key);
      expect(response.data!.rotateEndpointSecret).toMatchObject({ __typename: 'ValidationError', fields: [{ path: ['secret'] }] });
    }
    expect((await herald.graphql(READ, { id: endpoint.id }, key)).data!.endpoint.signingPublicKeys).toEqual(endpoint.signingPublicKeys);
  });
});

describe('the public JWKS', () => {
  it('is served without a key: OKP/Ed25519 keys with kids, cacheable, nothing private in it', async () => {
    const { secret, endpoint } = await createEd25519('/jwks');
    const response = await jwks(endpoint.jwksUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const text = await response.text();
    const document = JSON.parse(text) as { keys: Array<Record<string, string>> };
    expect(document.keys).toHaveLength(1);
    const [jwk] = document.keys;
    expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), use: 'sig', alg: 'EdDSA' });
    expect(Object.keys(jwk!)).not.toContain('d');
    expect(`whpk_${Buffer.from(jwk!.x!, 'base64url').toString('base64')}`).toBe(endpoint.signingPublicKeys[0]);
    expect(text).not.toContain(Buffer.from(secret.slice(5), 'base64').toString('base64url'));
    expect(text).not.toContain(idOfType(endpoint.id, 'Endpoint')!);
    expect((await jwks(endpoint.jwksUrl!, 'HEAD')).status).toBe(200);
  });

  it('answers 404 for an unknown name, a malformed one, and an HMAC endpoint', async () => {
    for (const path of ['/jwks/AAAAAAAAAAAAAAAAAAAAAAAA.json', '/jwks/..%2Fgraphql.json', '/jwks/x.json']) {
      const response = await herald.yoga.fetch(`http://herald.test${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found' });
    }
    // An HMAC endpoint has no JWKS name; one set on its row by hand is still not served.
    const created = await herald.graphql(CREATE, { input: { url: `${receiver.url}/hmac-jwks`, eventTypes: ['*'] } }, key);
    const id = idOfType(created.data!.createEndpoint.endpoint.id, 'Endpoint')!;
    await herald.db.endpoint.update({ where: { id }, data: { jwksId: 'BBBBBBBBBBBBBBBBBBBBBBBB' } });
    expect((await herald.yoga.fetch('http://herald.test/jwks/BBBBBBBBBBBBBBBBBBBBBBBB.json')).status).toBe(404);
  });
});

describe('readers', () => {
  it('a key with endpoints:read alone reads the public keys; another organization reads nothing', async () => {
    const { endpoint } = await createEd25519('/read');
    const { token: reader } = await createOrganizationKey(herald.db, { organizationId, scopes: ['endpoints:read'] });
    expect((await herald.graphql(READ, { id: endpoint.id }, reader)).data!.endpoint).toMatchObject({ signingPublicKeys: endpoint.signingPublicKeys, jwksUrl: endpoint.jwksUrl });
    expect((await herald.graphql(READ, { id: endpoint.id }, otherOrganizationKey)).data!.endpoint).toBeNull();
  });
});

describe('secrets', () => {
  it('no private key reached the log', () => {
    expect(logged.length, 'the worker logged its deliveries').toBeGreaterThan(0);
    expect(answeredKeys.length).toBeGreaterThan(3);
    const text = logged.join('\n');
    expect(text).not.toMatch(/whsk_/);
    for (const secret of answeredKeys) expect(text).not.toContain(secret.slice('whsk_'.length, 20));
  });
});
