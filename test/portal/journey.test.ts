// De-risks the portal end to end as a customer uses it, in a real Chromium against a real Herald,
// Postgres and receiver: a link opens the portal; an endpoint is added and its secret (shown once)
// verifies a real delivery; a test event's row turns SUCCEEDED live; a failing receiver shows
// RETRYING with the next attempt; "retry now" recovers it; pause, resume, rotate and delete work;
// a scheduled delivery shows when it is due and can be cancelled; and adding an endpoint and
// pausing it work with the keyboard alone.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../sdk/src/webhooks.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

const HOUR = 3_600_000;
let harness: PortalHarness;
let receiver: Receiver;
let failing = false;

beforeAll(async () => {
  // The second attempt waits an hour: only "retry now" can make it happen within the test.
  harness = await startPortalHarness({ retryScheduleMs: [0, HOUR, HOUR], disableAfterFailures: 0 });
  await harness.herald.db.eventType.create({ data: { name: 'invoice.paid', description: 'An invoice was paid in full.' } });
  receiver = await startReceiver((_request, response) => {
    response.statusCode = failing ? 500 : 200;
    response.end(failing ? 'receiver down' : 'ok');
  });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

const rowStatus = (page: Page, status: string) => page.locator(`.delivery-log tbody tr[data-status="${status}"]`);

describe('the portal, as a customer uses it', () => {
  it('adds an endpoint, delivers live, retries, pauses, rotates and deletes', async () => {
    const { client } = await harness.organization('journey');
    const link = await harness.portalLink(client);
    const { page, dialogs, errors } = await harness.open(link.url);

    await expect.poll(() => page.getByRole('heading', { name: 'Endpoints' }).isVisible()).toBe(true);
    expect(page.url()).not.toContain(link.token);
    await expect.poll(() => page.getByText('A webhook is a URL of yours').isVisible()).toBe(true);
    await harness.screenshot(page, 'endpoints-empty');

    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hooks`);
    await page.getByLabel('Name', { exact: true }).fill('Orders');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secretBox = page.getByLabel('Signing secret', { exact: true });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await harness.screenshot(page, 'add-endpoint-secret');
    await expect.poll(() => page.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true);
    await page.getByLabel('I have stored the secret').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();

    // A test event: its row appears and turns SUCCEEDED without a reload, and the secret verifies it.
    await page.locator('[data-live="live"]').waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await rowStatus(page, 'SUCCEEDED').first().waitFor();
    const delivered = receiver.requests.at(-1)!;
    const webhook = verifyWebhook(delivered.body, delivered.headers as Record<string, string>, secret, { scheme: 'STANDARD_WEBHOOKS' });
    expect(webhook.type).toBe('webhook.test');

    // The receiver fails: the new row says RETRYING and when the next attempt is.
    failing = true;
    await page.getByLabel('Test event type').selectOption('invoice.paid');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const retrying = rowStatus(page, 'RETRYING').first();
    await retrying.waitFor();
    await expect.poll(() => retrying.textContent()).toContain('next attempt');
    await harness.screenshot(page, 'delivery-log-live');

    // It recovers; "retry now" on the delivery's page makes it SUCCEEDED, live.
    failing = false;
    await retrying.getByRole('link').click();
    await page.getByRole('heading', { name: /Delivery of/ }).waitFor();
    await page.getByText('receiver down').first().waitFor();
    await harness.screenshot(page, 'delivery-detail');
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.locator('.delivery-status[data-status="SUCCEEDED"]').waitFor();
    // The list shows the endpoint's last 24 hours.
    await page.getByRole('navigation').getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('cell', { name: /of 2/ }).waitFor();
    await harness.screenshot(page, 'endpoints');
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();

    // Pause and resume.
    await page.getByRole('button', { name: 'Pause endpoint' }).click();
    await page.locator('.heading-row .state-paused').waitFor();
    await page.getByRole('button', { name: 'Resume endpoint' }).click();
    await page.locator('.heading-row .state-active').waitFor();

    // Rotate: the new secret is shown once and signs the next delivery.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByLabel('Grace period').selectOption('0');
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await page.getByRole('dialog').getByLabel('Signing secret', { exact: true }).inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await harness.screenshot(page, 'rotate-secret');
    await page.getByLabel('I have stored the secret').check();
    await page.getByRole('button', { name: 'Done' }).click();
    const before = receiver.requests.length;
    await page.getByLabel('Test event type').selectOption('webhook.test');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const next = await waitFor(async () => receiver.requests[before], 'the delivery after rotation');
    expect(verifyWebhook(next.body, next.headers as Record<string, string>, rotated).type).toBe('webhook.test');

    // Delete, confirmed by typing the name.
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    const confirm = page.getByRole('button', { name: 'Delete this endpoint' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel(/Type the endpoint’s name/).fill('Orders');
    await confirm.click();
    await page.getByText('A webhook is a URL of yours').waitFor();

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000); // the whole journey, a dozen steps each waiting on the real page and API

  it('shows a scheduled delivery as SCHEDULED with when it is due, and cancels it live', async () => {
    const { client } = await harness.organization('scheduled');
    const endpoint = await client.createEndpoint({ url: `${receiver.url}/later`, eventTypes: ['*'] });
    expect(endpoint.__typename).toBe('CreateEndpointPayload');
    const published = await client.publishEvent({ type: 'invoice.paid', payload: {}, deliverAt: new Date(Date.now() + HOUR) });
    expect(published.__typename).toBe('PublishEventPayload');
    const { page, errors } = await harness.open((await harness.portalLink(client)).url);
    await page.getByRole('navigation').getByRole('link', { name: 'Delivery log' }).click();
    const scheduled = rowStatus(page, 'SCHEDULED').first();
    await scheduled.waitFor();
    await expect.poll(() => scheduled.textContent()).toContain('due');
    await scheduled.getByRole('link').first().click();
    await page.getByText('Scheduled for').waitFor();
    await page.getByRole('button', { name: 'Cancel delivery' }).click();
    await page.locator('.delivery-status[data-status="CANCELLED"]').waitFor();
    await page.getByText('Cancelled: it will not be sent.').waitFor();
    expect(errors).toEqual([]);
  });

  it('adds an endpoint and pauses it with the keyboard alone', async () => {
    const { client } = await harness.organization('keyboard');
    const { page } = await harness.open((await harness.portalLink(client)).url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();

    await tabTo(page, (el) => el.textContent === 'Add endpoint');
    await page.keyboard.press('Enter');
    await tabTo(page, (el) => el.id === 'url');
    await page.keyboard.type(`${receiver.url}/keys`);
    await tabTo(page, (el) => el.id === 'name');
    await page.keyboard.type('Keyboard');
    await tabTo(page, (el) => el.tagName === 'BUTTON' && el.textContent === 'Add endpoint');
    await page.keyboard.press('Enter');
    await page.getByLabel('Signing secret', { exact: true }).waitFor();
    await tabTo(page, (el) => el.getAttribute('type') === 'checkbox');
    await page.keyboard.press('Space');
    await tabTo(page, (el) => el.textContent === 'Done');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keyboard' }).waitFor();
    await tabTo(page, (el) => el.textContent === 'Pause endpoint');
    await page.keyboard.press('Space');
    await page.locator('.heading-row .state-paused').waitFor();
    // The focus ring is visible on the focused control.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
  });
});

/** Presses Tab until the focused element matches (at most 60 times). */
async function tabTo(page: Page, match: (element: Element) => boolean): Promise<void> {
  const source = `(${match.toString()})`;
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((code) => document.activeElement !== null && (0, eval)(code)(document.activeElement), source)) return;
  }
  throw new Error(`Tab never reached ${match.toString()}`);
}

afterAll(() => {
  // The README's screenshots: the endpoints list, adding an endpoint with its secret, the live log.
  // Written when missing or asked for (UPDATE_PORTAL_SCREENSHOTS=1), so a test run leaves git clean.
  const artifacts = resolve(import.meta.dirname, 'artifacts');
  const docs = resolve(import.meta.dirname, '../../docs/portal');
  mkdirSync(docs, { recursive: true });
  for (const name of ['endpoints', 'add-endpoint-secret', 'delivery-log-live']) {
    if (existsSync(join(docs, `${name}.png`)) && process.env.UPDATE_PORTAL_SCREENSHOTS !== '1') continue;
    try {
      copyFileSync(join(artifacts, `${name}.png`), join(docs, `${name}.png`));
    } catch {
      // Written only when the journey got that far.
    }
  }
});
