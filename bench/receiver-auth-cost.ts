// `node bench/receiver-auth-cost.ts`: what receiver authentication adds to one attempt, in µs, on
// this machine: sequential sends over keep-alive sockets to a receiver on 127.0.0.1, plain and with
// an OAuth2 token from the cache (the token endpoint asked once), then HTTPS without and with a
// client certificate. Bounded: a fixed number of sends per case; certificates made with openssl.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EndpointTls, OAuth2Credentials } from '../src/engine/receiver-credentials.ts';
import { createHttpSender, type SendRequest } from '../src/http/http-sender.ts';
import { makeTestPki } from '../test/support/test-pki.ts';

const SENDS = 2_000;
const pki = makeTestPki();
let tokenRequests = 0;
const plain = createHttpServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.url === '/token') {
      tokenRequests++;
      response.setHeader('content-type', 'application/json');
      return void response.end(JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 }));
    }
    response.end('ok');
  });
});
const tls = createHttpsServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.clientCa.cert, requestCert: true, rejectUnauthorized: false }, (request, response) => {
  request.resume();
  request.on('end', () => response.end('ok'));
});
const listen = async (server: typeof plain | typeof tls) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const httpPort = await listen(plain);
const httpsPort = await listen(tls);
const sender = createHttpSender({ timeoutMs: 5_000, allowPrivateNetworks: true });
const body = JSON.stringify({ id: 'evt_1', data: { note: 'x'.repeat(1024) } });

async function microseconds(request: SendRequest): Promise<number> {
  for (let i = 0; i < 200; i++) await sender.send(request);
  const started = process.hrtime.bigint();
  for (let i = 0; i < SENDS; i++) {
    const result = await sender.send(request);
    if (!result.ok) throw new Error(`a bench send failed: ${JSON.stringify(result.error)}`);
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / SENDS;
}

const oauth2: OAuth2Credentials = { tokenUrl: `http://127.0.0.1:${httpPort}/token`, clientId: 'bench', clientSecret: 'secret', scopes: [], audience: null, clientAuthentication: 'BASIC' };
const serverCa: EndpointTls = { clientCertificate: null, clientKey: null, caCertificates: pki.serverCa.cert, trustSystemCertificates: true };
const mtls: EndpointTls = { ...serverCa, clientCertificate: pki.client.cert, clientKey: pki.client.key };
const url = `http://127.0.0.1:${httpPort}/hooks`;
const secureUrl = `https://127.0.0.1:${httpsPort}/hooks`;
const rows: Array<[string, number]> = [
  ['http, no authentication', await microseconds({ url, body, headers: {}, pool: 'a' })],
  ['http, OAuth2 Bearer token from the cache', await microseconds({ url, body, headers: {}, pool: 'b', oauth2 })],
  ['https, private CA, no client certificate', await microseconds({ url: secureUrl, body, headers: {}, pool: 'c', tls: serverCa })],
  ['https, private CA and client certificate (mTLS)', await microseconds({ url: secureUrl, body, headers: {}, pool: 'd', tls: mtls })],
];
for (const [name, us] of rows) console.log(`${name.padEnd(52)} ${us.toFixed(1).padStart(7)} µs per send`);
console.log(`token requests: ${tokenRequests}`);
sender.close();
plain.close();
tls.close();
