// De-risks the delivery log naming things, in a real Chromium against a real Herald and two real
// receivers: each row shows its endpoint's name with the host under it; the endpoint and event
// type filters are applied by the API (the request and the live subscription carry them, and a
// live delivery to another endpoint stays out); the delivery page's back link is the endpoint's
// name; and at 390 px neither page scrolls sideways.
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let orders: Receiver;
let billing: Receiver;

beforeAll(async () => {
  harness = await startPortalHarness();
  await harness.herald.db.eventType.createMany({ data: [{ name: 'order.created' }, { name: 'invoice.paid' }] });
  [orders, billing] = await Promise.all([startReceiver(), startReceiver()]);
});
afterAll(async () => {
  await harness?.close();
  await Promise.all([orders?.close(), billing?.close()]);
});

const rows = (page: Page) => page.locator('.delivery-log tbody tr');
const hostOf = (url: string) => new URL(url).host;

/** The variables of every `deliveries` list request the page makes from now on. */
function listRequests(page: Page): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  page.on('request', (request: Request) => {
    const body = request.postData();
    if (!body || !body.includes('query Deliveries')) return;
    seen.push((JSON.parse(body) as { variables: Record<string, unknown> }).variables);
  });
  return seen;
}

/** The deliveryUpdated subscriptions the page opens from now on (graphql-ws frames). */
function subscriptions(page: Page): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type: string; payload?: { query?: string; variables?: Record<string, unknown> } };
      if (message.type === 'subscribe' && message.payload?.query?.includes('deliveryUpdated')) seen.push(message.payload.variables ?? {});
    }),
  );
  return seen;
}

describe('the delivery log names things', () => {
  it('shows endpoint names and hosts, filters by endpoint and event type through the API, and links back by name', async () => {
    const { client } = await harness.organization('acme');
    const made = await Promise.all(
      [
        { name: 'Orders', url: `${orders.url}/hooks` },
        { name: 'Billing', url: `${billing.url}/hooks` },
      ].map(async (input) => {
        const result = await client.createEndpoint({ ...input, eventTypes: ['*'] });
        if (result.__typename !== 'CreateEndpointPayload') throw new Error(result.message);
        return result.endpoint;
      }),
    );
    const [ordersEndpoint] = made;
    for (const type of ['order.created', 'invoice.paid']) await client.publishEvent({ type, payload: { n: 1 } });

    const link = await harness.portalLink(client);
    const { page, errors } = await harness.open(link.url);
    const listed = listRequests(page);
    const subscribed = subscriptions(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Delivery log' }).click();
    await page.locator('[data-live="live"]').waitFor();
    await expect.poll(() => rows(page).count()).toBe(4);

    // Every row names its endpoint, with the host under the name; no row says just "Endpoint".
    const ordersCells = page.locator('.log-endpoint', { hasText: 'Orders' });
    await expect.poll(() => ordersCells.count()).toBe(2);
    expect(await ordersCells.first().locator('.endpoint-host').textContent()).toBe(hostOf(orders.url));
    expect(await page.locator('.log-endpoint', { hasText: 'Billing' }).first().locator('.endpoint-host').textContent()).toBe(hostOf(billing.url));
    expect(await page.locator('.log-endpoint a').allTextContents()).not.toContain('Endpoint');

    // The endpoint filter is the API's: the list request and the live subscription carry it.
    await page.getByLabel('Endpoint', { exact: true }).selectOption({ label: `Orders (${hostOf(orders.url)})` });
    await expect.poll(() => listed.at(-1)?.filter).toEqual({ endpointId: ordersEndpoint!.id });
    await expect.poll(() => subscribed.at(-1)?.filter).toEqual({ endpointId: ordersEndpoint!.id });
    await page.locator('[data-live="live"]').waitFor();
    await expect.poll(() => rows(page).count()).toBe(2);
    expect(await page.locator('.log-endpoint .endpoint-name').allTextContents()).toEqual(['Orders', 'Orders']);

    // A live event fans out to both endpoints: only the Orders delivery joins the filtered log.
    const published = await client.publishEvent({ type: 'order.created', payload: { n: 2 } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
    const ordersDelivery = published.deliveries.find((delivery) => delivery.endpoint.id === ordersEndpoint!.id)!;
    const billingDelivery = published.deliveries.find((delivery) => delivery.endpoint.id !== ordersEndpoint!.id)!;
    await page.locator(`tr[data-delivery-id="${ordersDelivery.id}"]`).waitFor();
    // Billing has received it (its third delivery), and the filtered log still leaves it out.
    await expect.poll(() => billing.requests.length).toBe(3);
    expect(await page.locator(`tr[data-delivery-id="${billingDelivery.id}"]`).count()).toBe(0);
    expect(await rows(page).count()).toBe(3);

    // The event type filter is the API's too, combined with the endpoint.
    await page.getByLabel('Event type').selectOption('invoice.paid');
    await expect.poll(() => listed.at(-1)?.filter).toEqual({ endpointId: ordersEndpoint!.id, eventType: 'invoice.paid' });
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await page.locator('.log-type').allTextContents()).toEqual(['invoice.paid']);
    await harness.screenshot(page, 'delivery-log-filtered');

    // The delivery page's back link is the endpoint's name, and leads there.
    await rows(page).first().getByRole('link').first().click();
    await page.getByRole('heading', { name: /Delivery of/ }).waitFor();
    const back = page.locator('a.back-to-endpoint');
    await expect.poll(() => back.textContent()).toBe('← Orders');
    await back.click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    expect(errors).toEqual([]);
  });

  it('has no sideways scroll at 390 px: rows stack with status, event type, endpoint name and time', async () => {
    const { client } = await harness.organization('phone');
    const created = await client.createEndpoint({ name: 'A rather long endpoint name for a phone screen', url: `${orders.url}/a/very/long/path/that/would/not/fit/on/a/phone/screen/at/all`, eventTypes: ['*'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const published = await client.publishEvent({ type: 'order.created', payload: { n: 3 } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
    const link = await harness.portalLink(client);
    const { page, errors } = await harness.open(link.url);
    await page.setViewportSize({ width: 390, height: 844 });
    const noSidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth);

    await page.getByRole('navigation').getByRole('link', { name: 'Delivery log' }).click();
    const row = rows(page).first();
    await row.locator('.endpoint-name').waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(390);
    // Stacked: the cells sit one above another, the detail columns are left for the delivery page.
    const [status, type, endpoint, time] = await Promise.all(['.log-status', '.log-type', '.log-endpoint', '.log-time'].map((cell) => row.locator(cell).boundingBox()));
    expect(status!.y).toBeLessThan(type!.y);
    expect(type!.y).toBeLessThan(endpoint!.y);
    expect(endpoint!.y).toBeLessThan(time!.y);
    expect(await row.locator('.log-detail').first().isVisible()).toBe(false);
    await harness.screenshot(page, 'delivery-log-390');

    await row.getByRole('link').first().click();
    await page.locator('a.back-to-endpoint', { hasText: 'A rather long' }).waitFor();
    await page.getByText('No attempt yet').or(page.getByText(/Attempt 1/)).first().waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(390);
    await harness.screenshot(page, 'delivery-detail-390');

    await page.locator('a.back-to-endpoint').click();
    await page.getByRole('heading', { name: 'A rather long endpoint name for a phone screen', level: 1 }).waitFor();
    await rows(page).first().waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(390);
    await harness.screenshot(page, 'endpoint-detail-390');
    expect(errors).toEqual([]);
  });
});
