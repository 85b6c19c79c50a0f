// De-risks the portal on any screen: every page (the endpoint list, an endpoint, the add and edit
// forms, a dialog, the delivery log, a delivery, the catalog and the missing-link page), with real endpoints,
// real receivers and real deliveries, at a laptop's 1280×800 and a phone's 390×844. Each page is
// screenshotted (test/portal/artifacts/screens-<page>-<width>.png), nothing on it reaches past the
// viewport, the tabs sit on one row, axe stays clean, and the pages this part lays out (lists,
// forms, catalog) need no sideways scrolling at all: under 600 px a list is stacked rows.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeraldClient } from '../../sdk/src/index.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { DESKTOP, PHONE, startPortalHarness, type PortalHarness, type Viewport } from './browser.ts';
import { axeProblems, measureWidth, tabsLayout } from './screen-checks.ts';

let harness: PortalHarness;
let ok: Receiver;
let down: Receiver;
let client: HeraldClient;
const ids = { orders: '', billing: '', delivery: '' };

async function endpoint(input: Parameters<HeraldClient['createEndpoint']>[0]): Promise<string> {
  const created = await client.createEndpoint(input);
  if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
  return created.endpoint.id;
}

beforeAll(async () => {
  harness = await startPortalHarness({ retryScheduleMs: [0], disableAfterFailures: 0 });
  [ok, down] = await Promise.all([
    startReceiver(),
    startReceiver((_request, response) => {
      response.statusCode = 500;
      response.end('receiver down');
    }),
  ]);
  await harness.herald.db.eventType.createMany({
    data: [
      { name: 'invoice.paid', description: 'An invoice was paid in full.', schema: { type: 'object', properties: { amount: { type: 'integer' } }, examples: [{ amount: 4200 }] } },
      { name: 'invoice.voided', description: 'An invoice was cancelled before payment.' },
      { name: 'customer.created', description: 'A customer signed up, from the dashboard or the API.' },
    ],
  });
  ({ client } = await harness.organization('screens'));
  // A URL as long as real ones get, so a narrow screen has to cope with it.
  ids.orders = await endpoint({ url: `${ok.url}/webhooks/herald/orders-and-invoices/production?tenant=acme-corporation-international`, name: 'Orders', eventTypes: ['*'] });
  ids.billing = await endpoint({
    url: `${ok.url}/billing`,
    name: 'Billing',
    eventTypes: ['invoice.paid', 'invoice.voided'],
    projects: ['eu-west'],
    headers: [{ name: 'X-Api-Key', value: 'k_123' }],
    filter: { amount: { $gte: 100 } },
    signatureScheme: 'HMAC_SHA256_TIMESTAMPED',
  });
  const failing = await endpoint({ url: `${down.url}/legacy`, name: 'Legacy receiver', eventTypes: ['customer.created'] });
  for (const [type, payload] of [
    ['invoice.paid', { amount: 4200 }],
    ['customer.created', { id: 'cus_1', email: 'someone@example.com' }],
  ] as const) {
    const published = await client.publishEvent({ type, payload });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
    for (const { id } of published.deliveries) {
      const status = await waitFor(async () => {
        const delivery = await client.delivery(id);
        return delivery && ['SUCCEEDED', 'FAILED'].includes(delivery.status) ? delivery.status : null;
      }, `delivery ${id} to finish`);
      // The delivery page shown is a failed one, with its attempt's error.
      if (status === 'FAILED') ids.delivery = id;
    }
  }
  const paused = await client.toggleEndpoint({ id: failing, active: false });
  if (paused.__typename !== 'ToggleEndpointPayload') throw new Error(paused.message);
}, 60_000);
afterAll(async () => {
  await harness?.close();
  await ok?.close();
  await down?.close();
});

interface Screen {
  name: string;
  hash: string;
  ready: (page: Page) => Promise<unknown>;
  /** Laid out by this part: it must need no sideways scrolling, even inside a scroll box. */
  strict: boolean;
}

const SCREENS: Screen[] = [
  { name: 'endpoints', hash: '#/endpoints', strict: true, ready: (page) => page.getByRole('link', { name: 'Legacy receiver' }).waitFor() },
  {
    name: 'endpoint',
    hash: '',
    strict: false,
    ready: async (page) => {
      await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
      await page.locator('.delivery-log tbody tr').first().waitFor();
    },
  },
  {
    // A dialog over the endpoint's page (Dialog.tsx), opened and left unconfirmed; the page under
    // it holds the endpoint's delivery log, so it is measured like that page.
    name: 'delete-dialog',
    hash: '',
    strict: false,
    ready: async (page) => {
      await page.getByRole('button', { name: 'Delete endpoint' }).click();
      await page.getByRole('dialog').waitFor();
    },
  },
  {
    name: 'new-endpoint',
    hash: '#/endpoints/new',
    strict: true,
    ready: async (page) => {
      await page.getByRole('heading', { name: 'Add endpoint' }).waitFor();
      await page.getByLabel('All events').uncheck();
      // Every field is measured, so the advanced ones are shown too.
      const advanced = page.locator('summary', { hasText: 'Advanced' });
      if ((await advanced.count()) > 0) await advanced.click();
      await page.getByRole('button', { name: 'Add header' }).click();
    },
  },
  { name: 'edit-endpoint', hash: '', strict: true, ready: (page) => page.getByRole('heading', { name: 'Edit Billing' }).waitFor() },
  { name: 'deliveries', hash: '#/deliveries', strict: false, ready: (page) => page.locator('.delivery-log tbody tr').nth(2).waitFor() },
  { name: 'delivery', hash: '', strict: false, ready: (page) => page.getByRole('heading', { name: 'Attempts' }).waitFor() },
  {
    name: 'catalog',
    hash: '#/catalog',
    strict: true,
    ready: async (page) => {
      await page.getByRole('heading', { name: 'Event catalog', level: 1 }).waitFor();
      for (const summary of await page.locator('summary').all()) await summary.click();
    },
  },
];

function hashOf(screen: Screen): string {
  if (screen.name === 'delete-dialog') return `#/endpoints/${encodeURIComponent(ids.orders)}`;
  if (screen.name === 'endpoint') return `#/endpoints/${encodeURIComponent(ids.orders)}`;
  if (screen.name === 'edit-endpoint') return `#/endpoints/${encodeURIComponent(ids.billing)}/edit`;
  if (screen.name === 'delivery') return `#/deliveries/${encodeURIComponent(ids.delivery)}`;
  return screen.hash;
}

async function check(page: Page, name: string, viewport: Viewport, strict: boolean): Promise<void> {
  await harness.screenshot(page, `screens-${name}-${viewport.width}`);
  const width = await measureWidth(page);
  expect.soft(width.scrollWidth, `${name} at ${viewport.width} px: the page scrolls sideways`).toBeLessThanOrEqual(width.innerWidth);
  expect.soft(width.overflowing, `${name} at ${viewport.width} px: elements past the viewport`).toEqual([]);
  if (strict) expect.soft(width.sideways, `${name} at ${viewport.width} px: content hidden behind a sideways scroll`).toEqual([]);
  expect.soft(await axeProblems(page, `${name} at ${viewport.width} px`)).toEqual([]);
}

describe.each([DESKTOP, PHONE])('every page at $width×$height', (viewport) => {
  it('fits the screen, keeps the tabs on one row, and stays accessible', async () => {
    const { page, errors } = await harness.open((await harness.portalLink(client)).url, { viewport });
    await page.getByRole('link', { name: 'Legacy receiver' }).waitFor();
    const tabs = await tabsLayout(page);
    expect.soft(tabs.rows, 'the tabs sit on one row').toBe(1);
    expect.soft(tabs.wrappedLabels, 'no tab label breaks over two lines').toEqual([]);
    expect.soft(tabs.right).toBeLessThanOrEqual(viewport.width);

    for (const screen of SCREENS) {
      await page.evaluate((hash) => (window.location.hash = hash), hashOf(screen));
      await screen.ready(page);
      await check(page, screen.name, viewport, screen.strict);
      if (screen.name === 'delete-dialog') await page.keyboard.press('Escape');
    }
    expect(errors).toEqual([]);

    const missing = await harness.open(`${harness.origin}/portal/`, { viewport });
    await missing.page.getByRole('heading', { level: 1 }).waitFor();
    await check(missing.page, 'link-missing', viewport, true);
  }, 180_000);
});
