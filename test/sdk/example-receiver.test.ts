// The README's example receiver, fed by a real Herald: it handles each event once even when
// Herald sends the same webhook-id again, refuses what it cannot verify, and answers 500 (so
// Herald retries) when its handler fails.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createReceiver } from '../../sdk/examples/receiver.ts';
import { createHeraldClient, type HeraldClient } from '../../sdk/src/index.ts';
import type { VerifiedWebhook } from '../../sdk/src/webhooks.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let client: HeraldClient;
let receiver: Server;
let receiverUrl: string;
const handled: VerifiedWebhook[] = [];
let failNext = false;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 100, 100], deliveryTimeoutMs: 2_000 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'user.created' } });
  server = await herald.listen();
  client = createHeraldClient({ url: server.url, apiKey: (await herald.organization('example-receiver')).key });

  // Bring-your-own secret, so the receiver can be configured before the endpoint exists.
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  receiver = createReceiver({
    secret,
    onEvent: (webhook) => {
      if (failNext) {
        failNext = false;
        throw new Error('handler failed');
      }
      handled.push(webhook);
    },
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const created = await client.createEndpoint({ url: `${receiverUrl}/hooks`, eventTypes: ['user.created'], secret });
  if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.__typename);
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await client.close();
  await server.close();
  await herald.close();
});

async function statusOf(deliveryId: string) {
  const delivery = await client.delivery(deliveryId);
  return delivery && ['SUCCEEDED', 'FAILED'].includes(delivery.status) ? delivery : null;
}

it('handles a delivery once, even when Herald sends the same webhook-id again', async () => {
  const published = await client.publishEvent({ type: 'user.created', payload: { user: 'u_1' } });
  if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
  const deliveryId = published.deliveries[0]!.id;
  await waitFor(() => statusOf(deliveryId), 'the delivery to finish');

  const retried = await client.retryDelivery({ id: deliveryId });
  expect(retried.__typename).toBe('RetryDeliveryPayload');
  const again = await waitFor(async () => {
    const delivery = await client.delivery(deliveryId);
    return delivery?.attemptCount === 2 && delivery.status === 'SUCCEEDED' ? delivery : null;
  }, 'the second attempt');

  expect(again.attempts.map((attempt) => attempt.responseStatus)).toEqual([204, 200]);
  expect(handled.filter((webhook) => webhook.id === published.event.id)).toHaveLength(1);
  expect(handled.find((webhook) => webhook.id === published.event.id)?.data).toEqual({ user: 'u_1' });
});

it('answers 500 when the handler fails, and Herald retries until it is handled', async () => {
  failNext = true;
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const published = await client.publishEvent({ type: 'user.created', payload: { user: 'u_2' } });
  if (published.__typename !== 'PublishEventPayload') throw new Error(published.__typename);
  const done = await waitFor(() => statusOf(published.deliveries[0]!.id), 'the delivery to finish');
  expect(done.status).toBe('SUCCEEDED');
  expect(done.attempts.map((attempt) => attempt.responseStatus)).toEqual([500, 204]);
  expect(handled.filter((webhook) => webhook.id === published.event.id)).toHaveLength(1);
  expect(errors).toHaveBeenCalledOnce();
  errors.mockRestore();
});

it('refuses a request it cannot verify with 401 and the reason', async () => {
  const forged = await fetch(`${receiverUrl}/hooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` },
    body: JSON.stringify({ id: 'evt_forged', type: 'user.created', timestamp: new Date().toISOString(), data: {} }),
  });
  expect(forged.status).toBe(401);
  expect(await forged.text()).toBe('MISMATCH');
  const unsigned = await fetch(`${receiverUrl}/hooks`, { method: 'POST', body: '{}' });
  expect(unsigned.status).toBe(401);
  expect(await unsigned.text()).toBe('MISSING_HEADER');
  expect(handled.map((webhook) => webhook.id)).not.toContain('evt_forged');
});
