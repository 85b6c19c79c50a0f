// De-risks the attempt timeline's forensics in a real Chromium: a delivery's page offers, per
// attempt, where the time went, the address connected to and the headers each way — with the
// signature's value shown as redacted, since it was never stored.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;

beforeAll(async () => {
  harness = await startPortalHarness();
  await harness.herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver((_request, response) => {
    response.setHeader('x-request-id', 'req_42');
    response.end('thanks');
  });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

it('shows each attempt’s timing, address and headers, the signature redacted', async () => {
  const { client } = await harness.organization('exchange');
  const created = await client.createEndpoint({ name: 'Orders', url: `${receiver.url}/hooks`, eventTypes: ['*'] });
  if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
  const published = await client.publishEvent({ type: 'order.created', payload: { order: 'o_1' } });
  if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
  const deliveryId = published.deliveries[0]!.id;
  await waitFor(async () => (await client.delivery(deliveryId))?.status === 'SUCCEEDED', 'the delivery to succeed');

  const link = await harness.portalLink(client);
  const { page, errors } = await harness.open(link.url);
  await page.getByRole('heading', { name: 'Endpoints' }).first().waitFor();
  await page.goto(`${harness.origin}/portal/#/deliveries/${encodeURIComponent(deliveryId)}`);
  const details = page.getByText('Request and response details');
  await details.click();
  const exchange = page.locator('details.exchange');
  await expect.poll(() => exchange.locator('li', { hasText: 'webhook-signature:' }).textContent()).toBe('webhook-signature: [redacted]');
  expect(await exchange.locator('li', { hasText: 'x-request-id:' }).textContent()).toBe('x-request-id: req_42');
  expect(await exchange.locator('li', { hasText: 'webhook-id:' }).textContent()).toMatch(/^webhook-id: \S+$/);
  expect(await exchange.locator('dd.mono').textContent()).toBe('127.0.0.1');
  expect(await exchange.locator('dt', { hasText: 'Timing' }).locator('+ dd').textContent()).toMatch(/Connect \d+ ms · First byte \d+ ms · Total \d+ ms/);
  await harness.screenshot(page, 'attempt-exchange');
  expect(errors).toEqual([]);
});
