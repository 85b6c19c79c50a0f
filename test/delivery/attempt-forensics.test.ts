// Attempt forensics: each attempt keeps the headers sent (secret values redacted), the answer's
// headers (capped), the address connected to and where the time went — readable through the API
// by keys that may read deliveries, never with a secret in them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HEADER_VALUE_KEPT, REDACTED, RESPONSE_HEADERS_KEPT } from '../../src/engine/attempt-forensics.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let secret: string;

const ATTEMPTS = `query($id: ID!) { node(id: $id) { ... on Delivery { status attempts {
  number responseStatus requestHeaders { name value } responseHeaders { name value } remoteAddress
  timings { dnsMs connectMs tlsMs firstByteMs totalMs } error { kind } } } } }`;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 0] }, { worker: true });
  receiver = await startReceiver((request, response) => {
    if (request.url === '/many-headers') {
      for (let i = 0; i < RESPONSE_HEADERS_KEPT + 10; i += 1) response.setHeader(`x-h-${String(i).padStart(2, '0')}`, i === 0 ? 'v'.repeat(5_000) : `v${i}`);
      response.end('ok');
      return;
    }
    response.setHeader('x-receiver', 'acme-hooks');
    response.statusCode = request.url === '/flaky' && receiver.requests.filter((r) => r.url === '/flaky').length === 1 ? 503 : 200;
    response.end('ok');
  });
  key = (await herald.organization('forensics')).key;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

async function deliverTo(path: string, headers: Array<{ name: string; value: string }> = []) {
  // An event type per endpoint, so each publish has one delivery.
  const type = `forensics.${path.slice(1)}`;
  await herald.db.eventType.create({ data: { name: type } });
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: [type], headers } }, key);
  expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  secret = created.data!.createEndpoint.secret;
  const published = await publishEvent(withKey(herald, key), { type, payload: { path } });
  const deliveryId = published.deliveryIds[0]!;
  let read: { data?: Record<string, any> | null } = {};
  await waitFor(async () => {
    read = await herald.graphql(ATTEMPTS, { id: deliveryId }, key);
    return read.data?.node?.status === 'SUCCEEDED';
  }, `the delivery to ${path} to succeed`);
  return read.data!.node.attempts as Array<Record<string, any>>;
}

it('keeps the headers sent, with the signature and custom header values redacted, the answer headers and the address', async () => {
  const [attempt] = await deliverTo('/plain', [{ name: 'X-Tenant-Token', value: 'tok_live_123456' }]);
  const sent = Object.fromEntries((attempt!.requestHeaders as Array<{ name: string; value: string }>).map(({ name, value }) => [name, value]));
  const arrived = receiver.requests.find((request) => request.url === '/plain')!;
  expect(sent).toMatchObject({
    'content-type': 'application/json',
    'user-agent': arrived.headers['user-agent'],
    'webhook-id': arrived.headers['webhook-id'],
    'webhook-timestamp': arrived.headers['webhook-timestamp'],
    'webhook-signature': REDACTED,
    'x-tenant-token': REDACTED,
    host: arrived.headers.host,
  });
  expect(attempt!.responseHeaders).toContainEqual({ name: 'x-receiver', value: 'acme-hooks' });
  expect(attempt!.remoteAddress).toBe('127.0.0.1');
  const { timings } = attempt!;
  expect(Object.keys(timings)).toEqual(['dnsMs', 'connectMs', 'tlsMs', 'firstByteMs', 'totalMs']);
  // A fresh socket to a literal address over http://: connected, no TLS; the receiver answered.
  expect(timings.connectMs).toBeTypeOf('number');
  expect(timings.tlsMs).toBeNull();
  expect(timings.firstByteMs).toBeTypeOf('number');
  expect(timings.totalMs).toBeGreaterThanOrEqual(timings.firstByteMs);

  // Stored as redacted: no secret in the row, under any name.
  const rows = await herald.db.$queryRaw<Array<{ row: string }>>`SELECT row_to_json(a)::text AS row FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN endpoints e ON e.id = d.endpoint_id WHERE e.url = ${`${receiver.url}/plain`}`;
  expect(rows).toHaveLength(1);
  expect(rows[0]!.row).not.toContain('tok_live_123456');
  expect(rows[0]!.row).not.toContain(arrived.headers['webhook-signature']);
  expect(rows[0]!.row).not.toContain(secret.replace(/^whsec_/, ''));
});

it('records every attempt of a retried delivery, the failed one with the answer that failed it', async () => {
  const attempts = await deliverTo('/flaky');
  expect(attempts.map((attempt) => [attempt.number, attempt.responseStatus, attempt.error?.kind ?? null])).toEqual([
    [1, 503, 'HTTP_STATUS'],
    [2, 200, null],
  ]);
  expect(attempts.every((attempt) => attempt.responseHeaders.some((header: { name: string }) => header.name === 'x-receiver'))).toBe(true);
});

it(`keeps at most ${RESPONSE_HEADERS_KEPT} answer headers, each value cut to ${HEADER_VALUE_KEPT} characters`, async () => {
  const [attempt] = await deliverTo('/many-headers');
  const received = attempt!.responseHeaders as Array<{ name: string; value: string }>;
  expect(received).toHaveLength(RESPONSE_HEADERS_KEPT);
  expect(received.find((header) => header.name === 'x-h-00')!.value).toBe('v'.repeat(HEADER_VALUE_KEPT));
});
