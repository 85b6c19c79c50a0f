// De-risks untrusted text in the portal: names, descriptions, header values, catalog entries,
// payloads and receivers' response bodies full of markup are shown as text. No script runs (the
// handlers would set a global or open a dialog), nothing is fetched for them (only same-origin
// requests), and a 1 MB body is cut for display, leaving the page usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness, type Watched } from './browser.ts';

const IMG = '<img src=https://evil.example/x.png onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '</script><script>window.__pwned=2;alert(2)</script>';
const SVG = '<svg onload="window.__pwned=3"></svg><a href="javascript:window.__pwned=4">x</a>';
const HOSTILE = `${IMG} ${SCRIPT} ${SVG}`;
const MEGABYTE = `${HOSTILE}\n${'<b>bold?</b> '.repeat(Math.ceil(1_048_576 / 13))}`;

let harness: PortalHarness;
let receiver: Receiver;

beforeAll(async () => {
  harness = await startPortalHarness({ retryScheduleMs: [0], disableAfterFailures: 0 });
  receiver = await startReceiver((_request, response) => {
    response.statusCode = 500;
    response.setHeader('content-type', 'text/html');
    response.end(MEGABYTE);
  });
  await harness.herald.db.eventType.create({
    data: {
      name: 'hostile.event',
      description: HOSTILE,
      schema: { type: 'object', title: HOSTILE, properties: { [IMG]: { type: 'string', description: SCRIPT } }, examples: [{ note: HOSTILE }] },
    },
  });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

async function assertInert(watched: Watched): Promise<void> {
  expect(await watched.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(watched.dialogs).toEqual([]);
  expect(watched.foreignRequests).toEqual([]);
  expect(await watched.page.locator('main img, main svg, main script, main b, main a[href^="javascript"]').count()).toBe(0);
}

async function responsive(page: Page): Promise<void> {
  const started = Date.now();
  await page.getByRole('navigation').getByRole('link', { name: 'Event catalog' }).click();
  await page.getByRole('heading', { name: 'Event catalog', level: 1 }).waitFor();
  expect(Date.now() - started).toBeLessThan(3_000);
}

describe('hostile strings in every rendered field', () => {
  it('stay text on every screen, fetch nothing, and a 1 MB body leaves the page usable', async () => {
    const org = await harness.organization('hostile');
    const created = await org.client.createEndpoint({
      url: `${receiver.url}/hooks?q=${encodeURIComponent(IMG)}`,
      name: IMG.slice(0, 250),
      description: HOSTILE,
      eventTypes: ['*'],
      headers: [{ name: 'X-Hostile', value: HOSTILE }],
    });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const published = await org.client.publishEvent({ type: 'hostile.event', payload: { html: HOSTILE, big: MEGABYTE.slice(0, 200_000) } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
    const deliveryId = published.deliveries[0]!.id;
    await waitFor(async () => (await org.client.delivery(deliveryId))?.status === 'FAILED', 'the delivery to fail');

    const watched = await harness.open((await harness.portalLink(org.client)).url);
    const { page } = watched;
    await page.getByRole('link', { name: IMG.slice(0, 250) }).waitFor();
    await page.getByText(HOSTILE.slice(0, 40)).first().waitFor({ state: 'attached' }).catch(() => undefined);
    await assertInert(watched);
    await harness.screenshot(page, 'hostile-endpoints');

    await page.getByRole('link', { name: IMG.slice(0, 250) }).click();
    await page.locator('h1', { hasText: 'onerror' }).waitFor();
    await page.locator('.delivery-log tbody tr[data-status="FAILED"]').waitFor();
    await assertInert(watched);

    await page.locator('.delivery-log tbody tr[data-status="FAILED"] a').first().click();
    await page.getByRole('heading', { name: 'Attempts' }).waitFor();
    const payload = page.locator('pre[aria-label="Payload"]');
    await payload.waitFor();
    expect(await payload.textContent()).toContain('onerror');
    expect((await payload.textContent())!.length).toBeLessThan(10_000);
    await page.getByRole('button', { name: 'Show more' }).first().click();
    expect((await payload.textContent())!.length).toBeGreaterThan(10_000);
    expect(await page.getByLabel('Response body of attempt 1').textContent()).toContain('<b>bold?</b>');
    await harness.screenshot(page, 'hostile-delivery');
    await assertInert(watched);

    await responsive(page);
    for (const summary of await page.locator('summary').all()) await summary.click();
    await page.getByLabel('Example payload of hostile.event').waitFor();
    await assertInert(watched);
    await harness.screenshot(page, 'hostile-catalog');

    await page.getByRole('link', { name: 'Delivery log' }).click();
    await page.locator('.delivery-log tbody tr[data-status="FAILED"]').waitFor();
    await assertInert(watched);
    expect(watched.errors).toEqual([]);
  });
});
