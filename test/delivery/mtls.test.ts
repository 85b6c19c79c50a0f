// mTLS and a private CA: a real HTTPS receiver on 127.0.0.1 whose certificate is signed by a CA
// made in the test, and which requires a client certificate from another such CA. De-risks that
// deliveries present the endpoint's client certificate and trust its CAs (in addition to, or
// instead of, the system's), that a refusal is a TLS error a person can read, and that changed
// TLS settings take effect on the next attempt to the same endpoint.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointTls } from '../../src/engine/receiver-credentials.ts';
import { createHttpSender, type HttpSender } from '../../src/http/http-sender.ts';
import { createLogger } from '../../src/log.ts';
import { startTestHerald } from '../support/herald.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait.ts';

let pki: TestPki;
let server: Server;
let url: string;
const accepted: Array<{ clientCn: string | undefined; body: string }> = [];
const senders: HttpSender[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  server = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.clientCa.cert, requestCert: true, rejectUnauthorized: true }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      accepted.push({ clientCn: typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined, body });
      response.end('mtls ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  for (const sender of senders) sender.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function sender(): HttpSender {
  const created = createHttpSender({ timeoutMs: 5_000, allowPrivateNetworks: true });
  senders.push(created);
  return created;
}
const tls = (overrides: Partial<EndpointTls> = {}): EndpointTls => ({
  clientCertificate: pki.client.cert,
  clientKey: pki.client.key,
  caCertificates: pki.serverCa.cert,
  trustSystemCertificates: true,
  ...overrides,
});
const send = (via: HttpSender, settings: EndpointTls | null, pool = 'ep-mtls') => via.send({ url, body: '{"n":1}', headers: { 'content-type': 'application/json' }, pool, tls: settings });

describe('deliveries with an endpoint\'s TLS settings', () => {
  it('present the client certificate and trust the private CA, in addition to the system\'s or instead of them', async () => {
    accepted.length = 0;
    const inAddition = await send(sender(), tls());
    const instead = await send(sender(), tls({ trustSystemCertificates: false }));
    expect([inAddition, instead].map((result) => [result.status, result.error, result.responseBody])).toEqual([
      [200, null, 'mtls ok'],
      [200, null, 'mtls ok'],
    ]);
    expect(accepted).toEqual([
      { clientCn: 'herald-client', body: '{"n":1}' },
      { clientCn: 'herald-client', body: '{"n":1}' },
    ]);
  });

  it('are refused without the client certificate, or with one the receiver does not trust, as TLS with a readable message', async () => {
    accepted.length = 0;
    const without = await send(sender(), tls({ clientCertificate: null, clientKey: null }));
    const stranger = await send(sender(), tls({ clientCertificate: pki.strangerClient.cert, clientKey: pki.strangerClient.key }));
    expect(without.error?.kind).toBe('TLS');
    expect(without.error?.message).toMatch(/^TLS failed: the receiver (requires a client certificate, and none was sent|refused the client certificate) \(/);
    expect(stranger.error?.kind).toBe('TLS');
    expect(stranger.error?.message).toMatch(/^TLS failed: the receiver (refused the client certificate \(|closed the connection right after the handshake, most likely refusing the client certificate)/);
    expect(accepted).toEqual([]);
  });

  it('do not trust the receiver\'s private CA unless it is given', async () => {
    const systemOnly = await send(sender(), tls({ caCertificates: null }));
    expect(systemOnly.error).toEqual({ kind: 'TLS', message: "TLS failed: the receiver's certificate is not signed by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)" });
    const noSettings = await send(sender(), null);
    expect(noSettings.error?.kind).toBe('TLS');
  });

  it('use changed settings on the next attempt to the same endpoint (the pool follows the settings)', async () => {
    accepted.length = 0;
    const via = sender();
    const before = await send(via, tls({ clientCertificate: null, clientKey: null }));
    const after = await send(via, tls());
    const removed = await send(via, tls({ clientCertificate: null, clientKey: null }));
    expect([before.error?.kind, after.status, removed.error?.kind]).toEqual(['TLS', 200, 'TLS']);
    expect(accepted).toHaveLength(1);
  });
});

const CREATE = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { id tls { clientCertificate clientCertificateSubject clientCertificateExpiresAt clientKeySet caCertificates trustSystemCertificates } } } ... on ValidationError { fields { path message } } }
}`;

describe('a worker delivering to an endpoint with TLS settings', () => {
  it('delivers over mTLS with the settings saved through the API, which never shows or logs the key', async () => {
    const lines: string[] = [];
    const log = createLogger({ json: true, level: 'debug', write: (line) => void lines.push(line) });
    const herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0] }, { worker: true, log });
    try {
      accepted.length = 0;
      await herald.db.eventType.create({ data: { name: 'mtls.event' } });
      const { key } = await herald.organization('mtls-worker');
      const input = { url, eventTypes: ['mtls.event'], tls: { clientCertificate: pki.client.cert, clientKey: pki.client.key, caCertificates: pki.serverCa.cert } };
      const created = await herald.graphql(CREATE, { input }, key);
      expect(created.data!.createEndpoint).toMatchObject({
        __typename: 'CreateEndpointPayload',
        endpoint: { tls: { clientCertificate: pki.client.cert, clientCertificateSubject: 'CN=herald-client', clientKeySet: true, caCertificates: pki.serverCa.cert, trustSystemCertificates: true } },
      });
      await publishEvent(withKey(herald, key), { type: 'mtls.event', payload: { n: 7 } });
      await waitFor(async () => accepted.length === 1, 'the delivery over mTLS');
      expect(accepted[0]!.clientCn).toBe('herald-client');
      const keyBody = pki.client.key.split('\n')[1]!;
      const row = await herald.db.endpoint.findFirstOrThrow({});
      expect(JSON.stringify([created, row]) + lines.join('\n')).not.toContain(keyBody);
    } finally {
      await herald.close();
    }
  }, 120_000);
});
