// De-risks `v1a` verification in both SDK verifiers, node:crypto (`@herald/sdk/webhooks`) and
// WebCrypto (`@herald/sdk/webhooks/web`): the fixed vectors made by a second implementation
// (test/engine/fixtures/ed25519-vectors.json) verify from the whpk_ key or from a JWKS; a real
// delivery verifies with the key the SDK client read and with the JWKS fetched over HTTP from
// Endpoint.jwksUrl, without a key; each refusal names its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient, type HeraldClient } from '../../sdk/src/index.ts';
import { verifyWebhook as verifyWithNode, WebhookVerificationError, type VerifiedWebhook, type VerifyWebhookOptions, type WebhookHeaders, type WebhookKeys, type WebhookVerificationFailure } from '../../sdk/src/webhooks.ts';
import { verifyWebhook as verifyWithWebCrypto } from '../../sdk/src/webhooks-web.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import vectors from '../engine/fixtures/ed25519-vectors.json' with { type: 'json' };

type Verify = <TData = unknown>(body: string | Uint8Array, headers: WebhookHeaders, keys: WebhookKeys, options?: VerifyWebhookOptions) => VerifiedWebhook<TData> | Promise<VerifiedWebhook<TData>>;

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

const [first, second] = vectors.webhooks as [(typeof vectors.webhooks)[number], (typeof vectors.webhooks)[number]];
const headersOf = (vector: typeof first, signature = vector.signature) => ({
  'webhook-id': vector.webhookId,
  'webhook-timestamp': String(vector.webhookTimestamp),
  'webhook-signature': signature,
});
/** The vectors' clock: their timestamp, so the tolerance is checked against it. */
const at = (vector: typeof first, offsetSeconds = 0) => ({ now: () => (vector.webhookTimestamp + offsetSeconds) * 1000 });
const jwkOf = (whpk: string) => ({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(whpk.slice(5), 'base64').toString('base64url'), kid: 'k' });

describe.each(VERIFIERS)('verifyWebhook v1a with %s', (_implementation, verifyWebhook) => {
  it('verifies the fixed vectors from the whpk_ key, the scheme inferred from the key', async () => {
    for (const vector of [first, second]) {
      const verified = await verifyWebhook(vector.body, headersOf(vector), vector.publicKey, at(vector));
      expect(verified).toMatchObject({ id: 'evt_01JEDX7Q0000000000000000', type: 'invoice.paid', data: { amount: 4200 }, test: false });
      expect(await verifyWebhook(vector.body, headersOf(vector), [vector.publicKey], { ...at(vector), scheme: 'STANDARD_WEBHOOKS_ED25519' })).toEqual(verified);
    }
  });

  it('verifies from a JWKS, skipping keys of other kinds', async () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA' }, jwkOf(second.publicKey), jwkOf(first.publicKey)] };
    expect(await verifyWebhook(first.body, headersOf(first), jwks, at(first))).toMatchObject({ type: 'invoice.paid' });
  });

  it('accepts any of several v1a entries (a rotation) and ignores v1 entries', async () => {
    const header = `v1,${Buffer.alloc(32).toString('base64')} ${second.signature} ${first.signature}`;
    expect(await refusal(() => verifyWebhook(first.body, headersOf(first, header), first.publicKey, at(first)))).toBe('accepted');
    expect(await refusal(() => verifyWebhook(first.body, headersOf(first, header), second.publicKey, at(first)))).toBe('accepted');
  });

  it.each<[string, () => [string, Record<string, string>, WebhookKeys, VerifyWebhookOptions], WebhookVerificationFailure]>([
    ['a tampered body', () => [first.body.replace('4200', '4201'), headersOf(first), first.publicKey, at(first)], 'MISMATCH'],
    ['another key', () => [first.body, headersOf(first), second.publicKey, at(first)], 'MISMATCH'],
    ['another webhook-id', () => [first.body, { ...headersOf(first), 'webhook-id': 'evt_other' }, first.publicKey, at(first)], 'MISMATCH'],
    ['a timestamp past the tolerance', () => [first.body, headersOf(first), first.publicKey, at(first, 301)], 'EXPIRED'],
    ['a tolerance made shorter', () => [first.body, headersOf(first), first.publicKey, { ...at(first, 11), toleranceSeconds: 10 }], 'EXPIRED'],
    ['only a v1 entry', () => [first.body, headersOf(first, `v1,${Buffer.alloc(32).toString('base64')}`), first.publicKey, at(first)], 'BAD_FORMAT'],
    ['a truncated signature', () => [first.body, headersOf(first, first.signature.slice(0, 40)), first.publicKey, at(first)], 'BAD_FORMAT'],
    ['no signature header', () => [first.body, { 'webhook-id': first.webhookId, 'webhook-timestamp': String(first.webhookTimestamp) }, first.publicKey, at(first)], 'MISSING_HEADER'],
  ])('refuses %s', async (_case, args, reason) => {
    const [body, headers, keys, options] = args();
    expect(await refusal(() => verifyWebhook(body, headers, keys, options))).toBe(reason);
  });

  it('refuses keys that cannot verify v1a with a TypeError', async () => {
    await expect(async () => verifyWebhook(first.body, headersOf(first), first.secretKey, { ...at(first), scheme: 'STANDARD_WEBHOOKS_ED25519' })).rejects.toThrow(TypeError);
    await expect(async () => verifyWebhook(first.body, headersOf(first), `whpk_${Buffer.alloc(31).toString('base64')}`, at(first))).rejects.toThrow(TypeError);
    await expect(async () => verifyWebhook(first.body, headersOf(first), { keys: [] }, at(first))).rejects.toThrow(TypeError);
    await expect(async () => verifyWebhook(first.body, headersOf(first), first.publicKey, { ...at(first), scheme: 'STANDARD_WEBHOOKS' })).rejects.toThrow(TypeError);
  });
});

describe('a real Ed25519 delivery', () => {
  let herald: TestHerald;
  let server: Awaited<ReturnType<TestHerald['listen']>>;
  let receiver: Receiver;
  let client: HeraldClient;

  beforeAll(async () => {
    herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 150], deliveryTimeoutMs: 2_000 }, { worker: true });
    await herald.db.eventType.create({ data: { name: 'order.shipped' } });
    server = await herald.listen();
    // The JWKS URL must name the port the API listens on, as HERALD_PUBLIC_URL does in production.
    herald.config.publicUrl = new URL(server.url).origin;
    receiver = await startReceiver();
    client = createHeraldClient({ url: server.url, apiKey: (await herald.organization('verify-ed25519')).key });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    await receiver.close();
    await herald.close();
  });

  it('verifies with Endpoint.signingPublicKeys and with the JWKS fetched from Endpoint.jwksUrl without a key', async () => {
    const created = await client.createEndpoint({ url: `${receiver.url}/ed25519`, eventTypes: ['order.shipped'], signatureScheme: 'STANDARD_WEBHOOKS_ED25519' });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.__typename);
    const { signingPublicKeys, jwksUrl } = created.endpoint;
    expect(signingPublicKeys).toHaveLength(1);
    expect(jwksUrl).toMatch(new RegExp(`^${new URL(server.url).origin}/jwks/[A-Za-z0-9_-]{24}\\.json$`));
    const published = await client.publishEvent({ type: 'order.shipped', payload: { order: 'o_1', items: ['é', '😀'] } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
    const request = await waitFor(async () => receiver.requests.find((r) => r.headers['webhook-id'] === published.event.id) ?? null, 'the delivery');
    const jwksResponse = await fetch(jwksUrl!);
    expect(jwksResponse.status).toBe(200);
    const jwks = (await jwksResponse.json()) as { keys: Array<{ kty: string; crv: string; x: string }> };
    for (const [, verifyWebhook] of VERIFIERS) {
      expect(await verifyWebhook(request.body, request.headers, signingPublicKeys)).toMatchObject({ id: published.event.id, data: { items: ['é', '😀'] } });
      expect(await verifyWebhook(request.body, request.headers, jwks)).toMatchObject({ id: published.event.id });
      expect(await refusal(() => verifyWebhook(request.body.replace('o_1', 'o_2'), request.headers, jwks))).toBe('MISMATCH');
    }
  });
});
