// De-risks the portal reading like the integrator's product rather than like its API, in a real
// Chromium against real deliveries to a real receiver: statuses are words with the exact value in a
// tooltip, an attempt's error says what happened ("Answered HTTP 500", "Timed out"), the catalog is
// grouped by prefix and searchable, "JSON Schema" appears only for a type that has one, and the
// endpoint form keeps its power features under "Advanced" unless the endpoint uses them.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeraldClient } from '../../sdk/src/index.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;

beforeAll(async () => {
  harness = await startPortalHarness({ retryScheduleMs: [0], disableAfterFailures: 0, deliveryTimeoutMs: 500 });
  // /down answers 500; /silent never answers (the attempt times out); anything else succeeds.
  receiver = await startReceiver((request, response) => {
    if (request.url.startsWith('/silent')) return;
    response.statusCode = request.url.startsWith('/down') ? 500 : 200;
    response.end(response.statusCode === 200 ? 'ok' : 'receiver down');
  });
  await harness.herald.db.eventType.createMany({
    data: [
      { name: 'invoice.paid', description: 'An invoice was paid in full.', schema: { type: 'object', examples: [{ amount: 4200 }] } },
      { name: 'invoice.voided', description: 'An invoice was cancelled before payment.' },
      { name: 'customer.created', description: 'A customer signed up.' },
    ],
  });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

async function endpoint(client: HeraldClient, input: Parameters<HeraldClient['createEndpoint']>[0]): Promise<string> {
  const created = await client.createEndpoint(input);
  if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
  return created.endpoint.id;
}

/** Publishes one event and waits until each of its deliveries has finished; their ids by endpoint. */
async function deliver(client: HeraldClient, type: string): Promise<Map<string, string>> {
  const published = await client.publishEvent({ type, payload: { id: 'in_1' } });
  if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
  const byEndpoint = new Map<string, string>();
  for (const { id } of published.deliveries) {
    const done = await waitFor(async () => {
      const delivery = await client.delivery(id);
      return delivery && ['SUCCEEDED', 'FAILED'].includes(delivery.status) ? delivery : null;
    }, `delivery ${id} to finish`);
    byEndpoint.set(done.endpoint.id, id);
  }
  return byEndpoint;
}

async function openAt(client: HeraldClient, hash: string): Promise<Page> {
  const { page } = await harness.open((await harness.portalLink(client)).url);
  await page.getByRole('navigation').waitFor();
  await page.evaluate((to) => (window.location.hash = to), hash);
  return page;
}

describe('the portal in the product’s words', () => {
  it('shows statuses as words with the exact value in a tooltip, and why an attempt failed', async () => {
    const { client } = await harness.organization('words-status');
    const ok = await endpoint(client, { url: `${receiver.url}/ok`, name: 'Works', eventTypes: ['invoice.paid'] });
    const down = await endpoint(client, { url: `${receiver.url}/down`, name: 'Broken', eventTypes: ['invoice.paid'] });
    const silent = await endpoint(client, { url: `${receiver.url}/silent`, name: 'Silent', eventTypes: ['invoice.paid'] });
    const deliveries = await deliver(client, 'invoice.paid');

    const page = await openAt(client, '#/deliveries');
    const succeeded = page.locator('.delivery-log tbody tr[data-status="SUCCEEDED"] .badge');
    await succeeded.waitFor();
    expect(await succeeded.textContent()).toBe('Succeeded');
    expect(await succeeded.getAttribute('title')).toBe('SUCCEEDED');
    const failed = page.locator('.delivery-log tbody tr[data-status="FAILED"] .badge').first();
    expect(await failed.textContent()).toBe('Failed');
    expect(await failed.getAttribute('title')).toBe('FAILED');

    await page.evaluate((to) => (window.location.hash = to), `#/deliveries/${encodeURIComponent(deliveries.get(down)!)}`);
    await page.getByRole('heading', { name: 'Attempts' }).waitFor();
    const answered = page.locator('.timeline .attempt-error');
    expect(await answered.textContent()).toBe('Answered HTTP 500');
    expect(await answered.getAttribute('title')).toBe('HTTP_STATUS');
    expect(await page.locator('.timeline').textContent()).not.toContain('HTTP_STATUS');

    await page.evaluate((to) => (window.location.hash = to), `#/deliveries/${encodeURIComponent(deliveries.get(silent)!)}`);
    await page.getByRole('heading', { name: 'Attempts' }).waitFor();
    const timedOut = page.locator('.timeline .attempt-error');
    expect(await timedOut.textContent()).toMatch(/^Timed out \(no complete answer within 500 ms\)$/);
    expect(await timedOut.getAttribute('title')).toBe('TIMEOUT');
    expect(deliveries.has(ok)).toBe(true);
  });

  it('groups the catalog by prefix, narrows it by a search, and offers a JSON Schema only where there is one', async () => {
    const { client } = await harness.organization('words-catalog');
    const page = await openAt(client, '#/catalog');
    await page.getByRole('heading', { name: 'Event catalog', level: 1 }).waitFor();

    const groups = page.locator('.catalog-group');
    expect(await groups.locator('> h2').allTextContents()).toEqual(['customer', 'invoice']);
    expect(await page.getByRole('region', { name: 'invoice' }).locator('h3').allTextContents()).toEqual(['invoice.paid', 'invoice.voided']);
    const card = (name: string) => page.locator('article', { has: page.getByRole('heading', { name, exact: true }) });
    expect(await card('invoice.paid').locator('summary').allTextContents()).toEqual(['JSON Schema', 'Example payload']);
    expect(await card('invoice.voided').locator('summary').allTextContents()).toEqual(['Example payload']);

    const search = page.getByRole('searchbox', { name: 'Search event types' });
    await search.fill('voided');
    await expect.poll(() => page.locator('article h3').allTextContents()).toEqual(['invoice.voided']);
    // The description is searched too.
    await search.fill('signed up');
    await expect.poll(() => page.locator('article h3').allTextContents()).toEqual(['customer.created']);
    expect(await groups.locator('> h2').allTextContents()).toEqual(['customer']);
    await search.fill('refund');
    await page.getByText('No event type matches “refund”.').waitFor();
    expect(await page.locator('article').count()).toBe(0);
  });

  it('keeps the power features under Advanced: closed on a new endpoint, open for one that uses them or has an error there', async () => {
    const { client } = await harness.organization('words-form');
    const filtered = await endpoint(client, { url: `${receiver.url}/ok`, name: 'Big invoices', eventTypes: ['invoice.paid'], filter: { amount: { $gte: 100 } } });
    const plain = await endpoint(client, { url: `${receiver.url}/ok`, name: 'Plain', eventTypes: ['invoice.paid'] });

    const page = await openAt(client, '#/endpoints/new');
    await page.getByRole('heading', { name: 'Add endpoint' }).waitFor();
    const advanced = page.locator('details.advanced');
    expect(await advanced.evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);
    for (const label of ['Endpoint URL', 'Name']) expect(await page.getByLabel(label, { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('group', { name: 'Event types' }).isVisible()).toBe(true);
    for (const label of ['Projects', 'Filter (JSON)', 'Standard Webhooks']) expect(await page.getByLabel(label, { exact: true }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Add header' }).isVisible()).toBe(false);

    // An error inside opens it again, with the field that has it in view.
    await page.locator('summary', { hasText: 'Advanced' }).click();
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/ok`);
    await page.getByLabel('Filter (JSON)').fill('{"amount": ');
    await page.locator('summary', { hasText: 'Advanced' }).click();
    expect(await page.getByLabel('Filter (JSON)').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#filter-error').waitFor();
    expect(await advanced.evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
    expect(await page.getByLabel('Filter (JSON)').evaluate((element) => element === document.activeElement)).toBe(true);

    await page.evaluate((to) => (window.location.hash = to), `#/endpoints/${encodeURIComponent(filtered)}/edit`);
    await page.getByRole('heading', { name: 'Edit Big invoices' }).waitFor();
    expect(await page.locator('details.advanced').evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
    expect(JSON.parse(await page.getByLabel('Filter (JSON)').inputValue())).toEqual({ amount: { $gte: 100 } });

    await page.evaluate((to) => (window.location.hash = to), `#/endpoints/${encodeURIComponent(plain)}/edit`);
    await page.getByRole('heading', { name: 'Edit Plain' }).waitFor();
    expect(await page.locator('details.advanced').evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);
  });
});
