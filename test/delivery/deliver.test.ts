// De-risks the whole path with a real worker and real receivers on 127.0.0.1: signed requests
// that the public `standardwebhooks` library verifies, retries on the (shortened) schedule with
// every attempt recorded, Retry-After, 410 Gone, auto-disable and its reset, and test sends; each
// event's body the same bytes at every endpoint of a batch, signed per endpoint.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { buildEnvelope } from '../../src/engine/envelope.ts';
import { idOfType } from '../../src/global-id.ts';
import { publishEvent, publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;

beforeAll(async () => {
  herald = await startTestHerald(
    { allowPrivateNetworks: true, retryScheduleMs: [0, 150, 150], deliveryTimeoutMs: 1_000, disableAfterFailures: 2 },
    { worker: true },
  );
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver();
  key = (await herald.organization('deliver-co')).key;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

/** Each test's endpoint has a project of its own, so events of one test never reach another's. */
async function endpoint(path: string, extra: Record<string, unknown> = {}) {
  const input = { url: `${receiver.url}${path}`, eventTypes: ['*'], projects: [path.slice(1)], ...extra };
  const created = await herald.graphql(CREATE_ENDPOINT, { input }, key);
  return created.data!.createEndpoint as { endpoint: { id: string }; secret: string };
}

const publish = (project: string, payload: object) => publishEvent(withKey(herald, key), { type: 'order.created', payload, project });

function finished(deliveryId: string, statuses = ['SUCCEEDED', 'FAILED', 'CANCELLED']) {
  return waitFor(async () => {
    const row = await herald.db.delivery.findUnique({ where: { id: idOfType(deliveryId, 'Delivery')! }, include: { attempts: { orderBy: { number: 'asc' } } } });
    return row && statuses.includes(row.status) ? row : null;
  }, `delivery ${deliveryId} to finish`);
}

const on = (path: string) => receiver.requests.filter((r) => r.url === path);

describe('delivery', () => {
  it('POSTs the signed envelope, verifiable with the standardwebhooks library', async () => {
    receiver.answer((_req, res) => res.end('thanks'));
    const { secret } = await endpoint('/signed', { headers: [{ name: 'X-Team', value: 'billing' }] });
    const { eventId, deliveryIds } = await publish('signed', { orderId: 42 });
    const delivery = await finished(deliveryIds[0]!);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1, lastStatusCode: 200 });
    expect(delivery.attempts[0]).toMatchObject({ number: 1, responseStatus: 200, responseBody: 'thanks', errorKind: null });

    const [request] = on('/signed');
    expect(request!.method).toBe('POST');
    expect(request!.headers['webhook-id']).toBe(eventId);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^Herald-Webhooks\//);
    expect(request!.headers['x-team']).toBe('billing');
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toMatchObject({ id: eventId, type: 'order.created', data: { orderId: 42 } });
    expect(JSON.parse(request!.body)).not.toHaveProperty('_test');
  });

  it("sends every endpoint of a batch its event's body, byte for byte as the stored payload writes, each signed with its own secret", async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const schemes = ['STANDARD_WEBHOOKS', 'HMAC_SHA256_TIMESTAMPED', 'HMAC_SHA256_BODY'] as const;
    const created: Array<{ secret: string }> = [];
    for (const scheme of schemes) created.push(await endpoint(`/shared-${scheme}`, { projects: ['shared'], signatureScheme: scheme }));
    // Numbers and keys JavaScript writes otherwise than PostgreSQL, separators inside strings.
    const payloads = [
      { n: 1e21, small: 1e-7, price: 12.99, b: 1, '10': 'ten', '2': 'two', s: 'a, "b": c \\', list: [[], {}, null] },
      { other: 'event', emoji: '😀 é \u2028', nested: { '0': [1.5, -0.25] } },
    ];
    const published = await publishEvents(withKey(herald, key), payloads.map((payload) => ({ type: 'order.created', payload, project: 'shared' })));
    await Promise.all(published.flatMap(({ deliveryIds }) => deliveryIds.map((id) => finished(id))));
    for (const { eventId } of published) {
      const row = await herald.db.event.findUniqueOrThrow({ where: { id: idOfType(eventId, 'Event')! } });
      const expected = buildEnvelope({ id: eventId, type: 'order.created', createdAt: row.createdAt, payload: row.payload });
      schemes.forEach((scheme, index) => {
        const request = on(`/shared-${scheme}`).find((r) => r.headers['webhook-id'] === eventId)!;
        expect(request.body, scheme).toBe(expected);
        const { secret } = created[index]!;
        const secretKey = Buffer.from(secret.slice('whsec_'.length), 'base64');
        const hmac = (content: string) => createHmac('sha256', secretKey).update(content).digest('hex');
        if (scheme === 'STANDARD_WEBHOOKS') expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({ id: eventId });
        if (scheme === 'HMAC_SHA256_TIMESTAMPED') expect(request.headers['x-herald-signature']).toBe(`t=${request.headers['webhook-timestamp']},v1=${hmac(`${request.headers['webhook-timestamp']}.${request.body}`)}`);
        if (scheme === 'HMAC_SHA256_BODY') expect(request.headers['x-herald-signature']).toBe(hmac(request.body));
      });
    }
  });

  it('retries a 503 on the schedule, then succeeds, with every attempt recorded', async () => {
    let calls = 0;
    receiver.answer((req, res) => {
      if (req.url === '/flaky') calls += 1;
      res.statusCode = calls === 1 ? 503 : 200;
      res.end(calls === 1 ? 'busy' : 'ok');
    });
    await endpoint('/flaky');
    const { deliveryIds } = await publish('flaky', { n: 1 });
    const delivery = await finished(deliveryIds[0]!);
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.attempts.map((a) => [a.number, a.responseStatus, a.errorKind])).toEqual([[1, 503, 'HTTP_STATUS'], [2, 200, null]]);
    const gap = delivery.attempts[1]!.startedAt.getTime() - delivery.attempts[0]!.startedAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(150 * 0.9);
    const ids = on('/flaky').map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
  });

  it('fails after the last attempt, and disables the endpoint after consecutive failed deliveries (a success resets)', async () => {
    receiver.answer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const { endpoint: created } = await endpoint('/down');
    const endpointId = idOfType(created.id, 'Endpoint')!;
    const first = await finished((await publish('down', { n: 1 })).deliveryIds[0]!);
    expect(first.status).toBe('FAILED');
    expect(first.attempts).toHaveLength(3);
    expect((await herald.db.endpoint.findUniqueOrThrow({ where: { id: endpointId } })).consecutiveFailures).toBe(1);

    // A success in between resets the count: failures must be consecutive.
    receiver.answer((_req, res) => res.end('ok'));
    expect((await finished((await publish('down', { n: 'ok' })).deliveryIds[0]!)).status).toBe('SUCCEEDED');
    expect((await herald.db.endpoint.findUniqueOrThrow({ where: { id: endpointId } })).consecutiveFailures).toBe(0);
    receiver.answer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await finished((await publish('down', { n: 2 })).deliveryIds[0]!);
    expect((await herald.db.endpoint.findUniqueOrThrow({ where: { id: endpointId } })).active).toBe(true);
    await finished((await publish('down', { n: 3 })).deliveryIds[0]!);
    const disabled = await herald.db.endpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(disabled).toMatchObject({ active: false, disabledReason: 'FAILING', consecutiveFailures: 2 });

    receiver.answer((_req, res) => res.end('back'));
    const on2 = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: created.id, active: true } }, key);
    expect(on2.data?.toggleEndpoint.endpoint).toMatchObject({ active: true, consecutiveFailures: 0 });
  });

  it('disables an endpoint that answers 410 Gone at once', async () => {
    receiver.answer((_req, res) => {
      res.statusCode = 410;
      res.end();
    });
    const { endpoint: created } = await endpoint('/gone');
    const delivery = await finished((await publish('gone', {})).deliveryIds[0]!);
    expect(delivery).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    const row = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(created.id, 'Endpoint')! } });
    expect(row).toMatchObject({ active: false, disabledReason: 'GONE' });
  });

  it('sends a test webhook to an inactive endpoint, marked _test and isTest', async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const { endpoint: created, secret } = await endpoint('/test-send');
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: created.id, active: false } }, key);
    const sent = await herald.graphql(
      `mutation($input: TestEndpointInput!) { testEndpoint(input: $input) { __typename ... on TestEndpointPayload { delivery { id isTest } } } }`,
      { input: { id: created.id } },
      key,
    );
    const delivery = await finished(sent.data!.testEndpoint.delivery.id);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', isTest: true });
    const request = on('/test-send')[0]!;
    const body = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; _test: boolean };
    expect(body).toMatchObject({ type: 'webhook.test', _test: true });
  });
});
