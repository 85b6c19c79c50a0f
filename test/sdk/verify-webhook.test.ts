// Both verifiers, node:crypto (`@herald/sdk/webhooks`) and WebCrypto (`@herald/sdk/webhooks/web`,
// run here on Node's globalThis.crypto.subtle, the code path of browsers and edge runtimes),
// against real deliveries of each scheme (including a rotation's double signatures), against what
// the `standardwebhooks` package signs, and against every way a request can be wrong: each refusal
// names its reason.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient, type HeraldClient, type SignatureScheme } from '../../sdk/src/index.ts';
import { verifyWebhook as verifyWithNode, WebhookVerificationError, type VerifiedWebhook, type VerifyWebhookOptions, type WebhookHeaders, type WebhookVerificationFailure } from '../../sdk/src/webhooks.ts';
import { verifyWebhook as verifyWithWebCrypto } from '../../sdk/src/webhooks-web.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const SCHEMES: SignatureScheme[] = ['STANDARD_WEBHOOKS', 'HMAC_SHA256_TIMESTAMPED', 'HMAC_SHA256_BODY'];

type Verify = <TData = unknown>(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
  options?: VerifyWebhookOptions,
) => VerifiedWebhook<TData> | Promise<VerifiedWebhook<TData>>;

const VERIFIERS: Array<[string, Verify]> = [
  ['node:crypto', verifyWithNode],
  ['WebCrypto', verifyWithWebCrypto],
];

async function refusal(verify: () => unknown): Promise<WebhookVerificationFailure | 'accepted'> {
  try {
    await verify();
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

describe.each(VERIFIERS)('verifyWebhook with %s', (_implementation, verifyWebhook) => {
  describe('interoperability with the standardwebhooks package', async () => {
    it('verifies what standardwebhooks signs', async () => {
      const secret = newSecret();
      const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', timestamp: new Date().toISOString(), data: { n: 1 } });
      const now = new Date();
      const headers = {
        'webhook-id': 'evt_1',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign('evt_1', now, body),
      };
      expect(await verifyWebhook(body, headers, secret)).toMatchObject({ id: 'evt_1', type: 'invoice.paid', data: { n: 1 }, test: false });
      expect(await refusal(() => verifyWebhook(body.replace('"n":1', '"n":2'), headers, secret))).toBe('MISMATCH');
    });

    it('accepts a Headers object, a Uint8Array body, and secrets without the whsec_ prefix', async () => {
      const secret = newSecret();
      const body = JSON.stringify({ id: 'evt_2', type: 't', timestamp: new Date().toISOString(), data: null });
      const now = new Date();
      const headers = new Headers({
        'Webhook-Id': 'evt_2',
        'Webhook-Timestamp': String(Math.floor(now.getTime() / 1000)),
        'Webhook-Signature': new Webhook(secret).sign('evt_2', now, body),
      });
      expect((await verifyWebhook(new TextEncoder().encode(body), headers, secret.slice('whsec_'.length))).id).toBe('evt_2');
    });
  });

  describe('refusals', async () => {
    const secret = newSecret();
    const body = JSON.stringify({ id: 'evt_3', type: 't', timestamp: '2026-11-24T00:00:00.000Z', data: {} });
    const now = new Date('2026-11-24T12:00:00Z');
    const headers = {
      'webhook-id': 'evt_3',
      'webhook-timestamp': String(now.getTime() / 1000),
      'webhook-signature': new Webhook(secret).sign('evt_3', now, body),
    };
    const at = (ms: number) => ({ now: () => ms });

    it('accepts the untouched request within the tolerance', async () => {
      expect(await refusal(() => verifyWebhook(body, headers, secret, at(now.getTime() + 299_000)))).toBe('accepted');
    });

    it.each<[string, () => unknown, WebhookVerificationFailure]>([
      ['a tampered body', () => verifyWebhook(`${body} `, headers, secret, at(now.getTime())), 'MISMATCH'],
      ['a wrong secret', () => verifyWebhook(body, headers, newSecret(), at(now.getTime())), 'MISMATCH'],
      ['a changed webhook-id', () => verifyWebhook(body, { ...headers, 'webhook-id': 'evt_4' }, secret, at(now.getTime())), 'MISMATCH'],
      ['a timestamp 6 minutes old', () => verifyWebhook(body, headers, secret, at(now.getTime() + 360_000)), 'EXPIRED'],
      ['a timestamp 6 minutes ahead', () => verifyWebhook(body, headers, secret, at(now.getTime() - 360_000)), 'EXPIRED'],
      ['a tighter tolerance', () => verifyWebhook(body, headers, secret, { toleranceSeconds: 10, now: () => now.getTime() + 11_000 }), 'EXPIRED'],
      ['no signature header', () => verifyWebhook(body, { ...headers, 'webhook-signature': undefined }, secret, at(now.getTime())), 'MISSING_HEADER'],
      ['no webhook-id', () => verifyWebhook(body, { ...headers, 'webhook-id': '' }, secret, at(now.getTime())), 'MISSING_HEADER'],
      ['a timestamp that is not a number', () => verifyWebhook(body, { ...headers, 'webhook-timestamp': 'soon' }, secret, at(now.getTime())), 'BAD_FORMAT'],
      ['a signature of another version', () => verifyWebhook(body, { ...headers, 'webhook-signature': 'v2,abc' }, secret, at(now.getTime())), 'BAD_FORMAT'],
      ['a truncated signature', () => verifyWebhook(body, { ...headers, 'webhook-signature': headers['webhook-signature'].slice(0, -4) }, secret, at(now.getTime())), 'BAD_FORMAT'],
      ['a timestamped header without t=', () => verifyWebhook(body, { 'x-herald-signature': `v1=${'0'.repeat(64)}` }, secret, { scheme: 'HMAC_SHA256_TIMESTAMPED', ...at(now.getTime()) }), 'BAD_FORMAT'],
      ['a body signature that is not hex', () => verifyWebhook(body, { 'x-herald-signature': 'zz' }, secret, { scheme: 'HMAC_SHA256_BODY' }), 'BAD_FORMAT'],
      ['a body signature that does not match', () => verifyWebhook(body, { 'x-herald-signature': '0'.repeat(64) }, secret, { scheme: 'HMAC_SHA256_BODY' }), 'MISMATCH'],
    ])('refuses %s', async (_what, verify, reason) => {
      expect(await refusal(verify)).toBe(reason);
    });

    it('refuses a body that is not a Herald envelope, even when correctly signed', async () => {
      const now2 = new Date();
      const text = '[1,2,3]';
      const signed = { 'webhook-id': 'm', 'webhook-timestamp': String(Math.floor(now2.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('m', now2, text) };
      expect(await refusal(() => verifyWebhook(text, signed, secret))).toBe('BAD_FORMAT');
    });

    it('rejects a secret that is not base64 as a programming error', async () => {
      await expect(async () => verifyWebhook(body, headers, 'whsec_***')).rejects.toThrow(TypeError);
    });
  });
});

describe('real deliveries', () => {
  let herald: TestHerald;
  let server: Awaited<ReturnType<TestHerald['listen']>>;
  let receiver: Receiver;
  let client: HeraldClient;

  beforeAll(async () => {
    herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 150], deliveryTimeoutMs: 2_000 }, { worker: true });
    await herald.db.eventType.create({ data: { name: 'order.shipped' } });
    server = await herald.listen();
    receiver = await startReceiver();
    client = createHeraldClient({ url: server.url, apiKey: (await herald.organization('verify-real')).key });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    await receiver.close();
    await herald.close();
  });

  async function endpointWith(scheme: SignatureScheme) {
    const created = await client.createEndpoint({ url: `${receiver.url}/${scheme}`, eventTypes: ['order.shipped'], signatureScheme: scheme });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.__typename);
    return { id: created.endpoint.id, secret: created.secret, path: `/${scheme}` };
  }

  async function publishAndReceive(paths: string[]): Promise<Map<string, ReceivedRequest>> {
    const published = await client.publishEvent({ type: 'order.shipped', payload: { order: 'o_1', items: ['é', '😀'] } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
    const eventId = published.event.id;
    return waitFor(async () => {
      const byPath = new Map(receiver.requests.filter((r) => r.headers['webhook-id'] === eventId).map((r) => [r.url, r]));
      return paths.every((path) => byPath.has(path)) ? byPath : null;
    }, 'a delivery to every endpoint');
  }

  it('verifies a delivery of each scheme, and refuses it tampered or with another secret', async () => {
    const endpoints = await Promise.all(SCHEMES.map(endpointWith));
    const received = await publishAndReceive(endpoints.map((e) => e.path));
    for (const [index, endpoint] of endpoints.entries()) for (const [, verifyWebhook] of VERIFIERS) {
      const scheme = SCHEMES[index]!;
      const request = received.get(endpoint.path)!;
      const webhook = await verifyWebhook<{ order: string; items: string[] }>(request.body, request.headers, endpoint.secret, { scheme });
      expect(webhook).toMatchObject({ id: request.headers['webhook-id'], type: 'order.shipped', data: { order: 'o_1', items: ['é', '😀'] } });
      expect(await refusal(() => verifyWebhook(request.body.replace('o_1', 'o_2'), request.headers, endpoint.secret, { scheme }))).toBe('MISMATCH');
      expect(await refusal(() => verifyWebhook(request.body, request.headers, newSecret(), { scheme }))).toBe('MISMATCH');
    }
    for (const endpoint of endpoints) await client.deleteEndpoint({ id: endpoint.id });
    // What Herald signs and the SDK accepts, the standardwebhooks package accepts too.
    const standard = received.get(endpoints[0]!.path)!;
    expect(new Webhook(endpoints[0]!.secret).verify(standard.body, standard.headers as Record<string, string>)).toMatchObject({ type: 'order.shipped' });
  });

  it('verifies with the old or the new secret during a rotation grace period, for each scheme', async () => {
    const endpoints = await Promise.all(SCHEMES.map(endpointWith));
    const rotated = await Promise.all(endpoints.map(async (endpoint) => {
      const result = await client.rotateEndpointSecret({ id: endpoint.id, gracePeriodSeconds: 3600 });
      if (result.__typename !== 'RotateEndpointSecretPayload') throw new Error(result.__typename);
      return { ...endpoint, newSecret: result.secret };
    }));
    const received = await publishAndReceive(rotated.map((e) => e.path));
    for (const [index, endpoint] of rotated.entries()) for (const [, verifyWebhook] of VERIFIERS) {
      const scheme = SCHEMES[index]!;
      const request = received.get(endpoint.path)!;
      expect(await refusal(() => verifyWebhook(request.body, request.headers, endpoint.secret, { scheme }))).toBe('accepted');
      expect(await refusal(() => verifyWebhook(request.body, request.headers, endpoint.newSecret, { scheme }))).toBe('accepted');
      expect(await refusal(() => verifyWebhook(request.body, request.headers, [newSecret(), endpoint.newSecret], { scheme }))).toBe('accepted');
      expect(await refusal(() => verifyWebhook(request.body, request.headers, newSecret(), { scheme }))).toBe('MISMATCH');
      // A delivery verified now is refused when it arrives (or is replayed) 10 minutes later.
      if (scheme !== 'HMAC_SHA256_BODY') {
        const later = { now: () => Date.now() + 600_000 };
        expect(await refusal(() => verifyWebhook(request.body, request.headers, endpoint.newSecret, { scheme, ...later }))).toBe('EXPIRED');
      }
    }
  });
});
