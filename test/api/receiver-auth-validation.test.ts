// The receiver-authentication settings through the API: bad input answers a ValidationError that
// names each problem (not PEM, a key that does not match its certificate, an expired certificate,
// a token URL the address policy refuses) and writes nothing; updates keep a secret left out,
// replace or remove the settings; the client secret and the client key are never answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';

const AUTH_FIELDS = `id
  authentication { oauth2 { tokenUrl clientId clientSecretSet scopes audience clientAuthentication } }
  tls { clientCertificate clientCertificateSubject clientCertificateExpiresAt clientKeySet caCertificates trustSystemCertificates }`;
const CREATE = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { ${AUTH_FIELDS} } } ... on ValidationError { fields { path message } } }
}`;
const UPDATE = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { __typename ... on UpdateEndpointPayload { endpoint { ${AUTH_FIELDS} } } ... on ValidationError { fields { path message } } }
}`;
const READ = `query($id: ID!) { endpoint(id: $id) { ${AUTH_FIELDS} } }`;

const SECRET = 'oauth-client-secret-never-shown';
let herald: TestHerald;
let key: string;
let pki: TestPki;

beforeAll(async () => {
  pki = makeTestPki();
  herald = await startTestHerald({ allowPrivateNetworks: false });
  await herald.db.eventType.create({ data: { name: 'auth.checked' } });
  ({ key } = await herald.organization('receiver-auth'));
});
afterAll(async () => {
  await herald.close();
});

const base = { url: 'https://receiver.example/hooks', eventTypes: ['auth.checked'] };
const oauth2 = { tokenUrl: 'https://auth.example/oauth/token', clientId: 'herald', clientSecret: SECRET, scopes: ['webhooks'] };
const keyLine = (pem: string) => pem.split('\n')[1]!;

async function create(input: Record<string, unknown>) {
  const answer = await herald.graphql(CREATE, { input: { ...base, ...input } }, key);
  return answer.data!.createEndpoint;
}

describe('receiver authentication on createEndpoint', () => {
  it('names every problem of the TLS settings at once and writes nothing', async () => {
    const before = await herald.db.endpoint.count();
    const answer = await create({
      tls: { clientCertificate: 'not a certificate', clientKey: pki.client.key, caCertificates: `${pki.serverCa.cert}\ntrailing words`, trustSystemCertificates: false },
    });
    expect(answer).toEqual({
      __typename: 'ValidationError',
      fields: [
        { path: ['tls', 'clientCertificate'], message: 'must be PEM: one or more "-----BEGIN CERTIFICATE-----" blocks and nothing else' },
        { path: ['tls', 'caCertificates'], message: 'must be PEM: one or more "-----BEGIN CERTIFICATE-----" blocks and nothing else' },
      ],
    });
    expect(await herald.db.endpoint.count()).toBe(before);
  });

  it('refuses a key that does not match its certificate, an expired certificate, a key that is not PEM, and half a pair', async () => {
    expect(await create({ tls: { clientCertificate: pki.client.cert, clientKey: pki.strangerClient.key } })).toEqual({
      __typename: 'ValidationError',
      fields: [{ path: ['tls', 'clientKey'], message: 'does not match the client certificate (the first certificate in clientCertificate)' }],
    });
    const expired = await create({ tls: { clientCertificate: pki.expiredClient.cert, clientKey: pki.expiredClient.key } });
    expect(expired.fields).toHaveLength(1);
    expect(expired.fields[0].path).toEqual(['tls', 'clientCertificate']);
    expect(expired.fields[0].message).toMatch(/^the certificate \(CN=expired-client\) expired on \d{4}-\d\d-\d\dT/);
    expect(await create({ tls: { clientCertificate: pki.client.cert, clientKey: 'secret words' } })).toEqual({
      __typename: 'ValidationError',
      fields: [{ path: ['tls', 'clientKey'], message: 'must be PEM: a "-----BEGIN PRIVATE KEY-----" block' }],
    });
    expect((await create({ tls: { clientCertificate: pki.client.cert } })).fields).toEqual([{ path: ['tls', 'clientKey'], message: 'is required with a clientCertificate' }]);
    expect((await create({ tls: { clientKey: pki.client.key } })).fields).toEqual([{ path: ['tls', 'clientCertificate'], message: 'is required with a clientKey' }]);
    expect((await create({ tls: { trustSystemCertificates: false } })).fields).toEqual([
      { path: ['tls', 'trustSystemCertificates'], message: "may be false only with caCertificates: otherwise no receiver's certificate could be trusted" },
    ]);
    expect((await create({ tls: {} })).fields).toEqual([{ path: ['tls'], message: 'must give a clientCertificate and clientKey, caCertificates, or both (null removes the TLS settings)' }]);
  });

  it('refuses TLS settings on an http:// endpoint, where they would never apply', async () => {
    const local = await startTestHerald({ allowPrivateNetworks: true });
    try {
      await local.db.eventType.create({ data: { name: 'auth.checked' } });
      const { key: localKey } = await local.organization('plain-http');
      const answer = await local.graphql(CREATE, { input: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['auth.checked'], tls: { caCertificates: pki.serverCa.cert } } }, localKey);
      expect(answer.data!.createEndpoint).toEqual({ __typename: 'ValidationError', fields: [{ path: ['tls'], message: 'applies to https:// endpoints only (this one is http://)' }] });
    } finally {
      await local.close();
    }
  });

  it('checks the OAuth2 settings: the token URL under the address policy, a secret, scope tokens', async () => {
    const answer = await create({
      authentication: { oauth2: { tokenUrl: 'https://169.254.169.254/token', clientId: '', scopes: ['a b', 'ok', 'ok'] } },
    });
    expect(answer.__typename).toBe('ValidationError');
    expect(answer.fields.map((field: { path: string[] }) => field.path.join('.'))).toEqual([
      'authentication.oauth2.tokenUrl',
      'authentication.oauth2.clientId',
      'authentication.oauth2.clientSecret',
      'authentication.oauth2.scopes.0',
      'authentication.oauth2.scopes.2',
    ]);
    expect(answer.fields[0].message).toMatch(/^must not point to a refused address/);
    expect(answer.fields[2].message).toBe('is required (the endpoint has none yet)');
    const plain = await create({ authentication: { oauth2: { ...oauth2, tokenUrl: 'http://auth.example/token' } } });
    expect(plain.fields[0]).toMatchObject({ path: ['authentication', 'oauth2', 'tokenUrl'], message: expect.stringMatching(/^must start with https:\/\//) });
  });

  it('saves both settings and shows everything but the secret and the key', async () => {
    const answer = await create({
      authentication: { oauth2: { ...oauth2, audience: 'api://receiver', clientAuthentication: 'POST' } },
      tls: { clientCertificate: pki.client.cert, clientKey: pki.client.key, caCertificates: pki.serverCa.cert },
    });
    expect(answer.__typename).toBe('CreateEndpointPayload');
    expect(answer.endpoint.authentication).toEqual({
      oauth2: { tokenUrl: oauth2.tokenUrl, clientId: 'herald', clientSecretSet: true, scopes: ['webhooks'], audience: 'api://receiver', clientAuthentication: 'POST' },
    });
    expect(answer.endpoint.tls).toMatchObject({ clientCertificate: pki.client.cert, clientCertificateSubject: 'CN=herald-client', clientKeySet: true, caCertificates: pki.serverCa.cert, trustSystemCertificates: true });
    expect(Date.parse(answer.endpoint.tls.clientCertificateExpiresAt)).toBeGreaterThan(Date.now());
    const read = await herald.graphql(READ, { id: answer.endpoint.id }, key);
    // Sealed at rest: not even the database holds them in the clear.
    const everything = JSON.stringify([answer, read, await herald.db.endpoint.findMany()]);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(keyLine(pki.client.key));
  });
});

describe('receiver authentication on updateEndpoint', () => {
  it('keeps a secret and a key left out, refuses a kept key that does not match a new certificate, and null removes', async () => {
    const created = await create({ authentication: { oauth2 }, tls: { clientCertificate: pki.client.cert, clientKey: pki.client.key } });
    const id = created.endpoint.id as string;
    const update = async (input: Record<string, unknown>) => (await herald.graphql(UPDATE, { input: { id, ...input } }, key)).data!.updateEndpoint;

    const kept = await update({ authentication: { oauth2: { tokenUrl: oauth2.tokenUrl, clientId: 'renamed' } }, tls: { clientCertificate: pki.client.cert, caCertificates: pki.serverCa.cert } });
    expect(kept.endpoint.authentication.oauth2).toMatchObject({ clientId: 'renamed', clientSecretSet: true, scopes: [] });
    expect(kept.endpoint.tls).toMatchObject({ clientKeySet: true, caCertificates: pki.serverCa.cert });

    const mismatched = await update({ tls: { clientCertificate: pki.strangerClient.cert } });
    expect(mismatched).toEqual({ __typename: 'ValidationError', fields: [{ path: ['tls', 'clientKey'], message: "is required: the endpoint's current key does not match this certificate" }] });
    expect((await herald.graphql(READ, { id }, key)).data!.endpoint.tls.caCertificates).toBe(pki.serverCa.cert);

    const caOnly = await update({ tls: { caCertificates: pki.serverCa.cert, trustSystemCertificates: false } });
    expect(caOnly.endpoint.tls).toMatchObject({ clientCertificate: null, clientKeySet: false, trustSystemCertificates: false });

    const removed = await update({ authentication: { oauth2: null }, tls: null });
    expect([removed.endpoint.authentication, removed.endpoint.tls]).toEqual([null, null]);
    const [row] = await herald.db.endpoint.findMany({ orderBy: { id: 'desc' }, take: 1 });
    expect([row!.oauth2, row!.tls]).toEqual([null, null]);
  });
});
