// De-risks an endpoint that explains itself, in a real Chromium against a real Herald and a real
// receiver that fails on demand: failing, the endpoint page warns since when and with the last
// error in words; turned off by its failures, it says why (in words), since when, that new events
// are not sent, and offers the fixes (resume; resume and retry what failed, whose replays reach the
// receiver); a delivery's retry says why it cannot work before any click; paused by hand, it says so.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;
let failing = true;

beforeAll(async () => {
  // One attempt per delivery, and off after three failed in a row: the spell takes three events.
  harness = await startPortalHarness({ retryScheduleMs: [0], disableAfterFailures: 3 });
  await harness.herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver((_request, response) => {
    response.statusCode = failing ? 500 : 200;
    response.end(failing ? 'down' : 'ok');
  });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

const callout = (page: Page) => page.locator('.callout');

describe('an endpoint that is off or failing explains itself', () => {
  it('warns while failing, explains being turned off, and resumes and retries what failed', async () => {
    const { client } = await harness.organization('acme');
    const created = await client.createEndpoint({ name: 'Orders', url: `${receiver.url}/hooks`, eventTypes: ['*'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const endpointId = created.endpoint.id;
    const row = () => harness.herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(endpointId, 'Endpoint')! } });
    const publish = async () => {
      const published = await client.publishEvent({ type: 'order.created', payload: { n: 1 } });
      if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
      return published.deliveries[0]!.id;
    };

    const first = await publish();
    const failingSince = (await waitFor(async () => (await row()).failingSince, 'the endpoint to be failing'))!;
    await waitFor(async () => (await client.delivery(first))?.status === 'FAILED', 'the first delivery to fail');

    const link = await harness.portalLink(client);
    const { page, errors } = await harness.open(link.url);
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();

    // Failing, not yet off: a warning with the time it began and the last error in words.
    await callout(page).getByRole('heading', { name: 'Deliveries to this endpoint are failing' }).waitFor();
    expect(await callout(page).locator('time').getAttribute('datetime')).toBe(failingSince.toISOString());
    await expect.poll(() => callout(page).locator('.callout-error').textContent()).toBe('Last error: Your endpoint answered HTTP 500');
    await page.locator('[data-live="live"]').waitFor();

    // Two more failures turn it off; the open page says so without a reload.
    await publish();
    await publish();
    await callout(page).getByRole('heading', { name: 'This endpoint is turned off' }).waitFor();
    const off = await row();
    expect(off).toMatchObject({ active: false, disabledReason: 'FAILING' });
    expect(await callout(page).locator('.callout-reason').textContent()).toMatch(/^Turned off after 3 failed deliveries in a row on .+\.$/);
    expect(await callout(page).locator('time').getAttribute('datetime')).toBe(off.disabledAt!.toISOString());
    expect(await callout(page).textContent()).toContain('New events are not being sent to it');
    expect(await callout(page).textContent()).not.toMatch(/FAILING|MANUAL|toggleEndpoint|HERALD_/);
    await harness.screenshot(page, 'endpoint-callout-off');

    // A failed delivery's retry cannot work while the endpoint is off: it says so before a click.
    await page.locator(`tr[data-delivery-id="${first}"]`).getByRole('link').first().click();
    const retry = page.getByRole('button', { name: 'Retry now' });
    await expect.poll(() => retry.isDisabled()).toBe(true);
    expect(await page.locator('#retry-why').textContent()).toContain('Its endpoint is turned off');
    await page.locator('a.back-to-endpoint').click();

    // The receiver is fixed: resume and retry what failed sends the three failed deliveries again.
    failing = false;
    const before = receiver.requests.length;
    await callout(page).getByRole('button', { name: 'Resume and retry what failed…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The endpoint is turned off: replaying resumes it first').waitFor();
    await dialog.getByRole('button', { name: 'Count failed deliveries' }).click();
    await dialog.getByRole('button', { name: 'Resume and replay 3 deliveries' }).click();
    await dialog.getByText('3 deliveries were queued again.').waitFor();
    await dialog.getByText('Close', { exact: true }).click();
    await waitFor(async () => receiver.requests.length - before >= 3 || null, 'the replayed deliveries to reach the receiver');
    expect(await row()).toMatchObject({ active: true, disabledReason: null, disabledAt: null });
    await expect.poll(() => callout(page).count()).toBe(0);
    await page.locator(`tr[data-delivery-id="${first}"][data-status="SUCCEEDED"]`).waitFor();

    // Off again: "Resume endpoint" turns it on.
    failing = true;
    for (let i = 0; i < 3; i += 1) await publish();
    await callout(page).getByRole('heading', { name: 'This endpoint is turned off' }).waitFor();
    await callout(page).getByRole('button', { name: 'Resume endpoint' }).click();
    await waitFor(async () => (await row()).active || null, 'the endpoint to be active again');
    await expect.poll(() => callout(page).count()).toBe(0);
    await page.locator('.heading-row .state-active').waitFor();

    // Paused by hand (pauseEndpoint): the callout says so, that events wait, and offers only resuming.
    failing = false;
    await page.getByRole('button', { name: 'Pause endpoint' }).click();
    await callout(page).getByRole('heading', { name: 'This endpoint is paused' }).waitFor();
    expect(await callout(page).locator('.callout-reason').textContent()).toMatch(/^Paused by you on .+\.$/);
    expect(await callout(page).getByRole('button').allTextContents()).toEqual(['Resume endpoint']);
    const waiting = await publish();
    await waitFor(async () => (await client.delivery(waiting))?.status === 'PAUSED', 'the delivery to wait PAUSED');
    await callout(page).getByRole('button', { name: 'Resume endpoint' }).click();
    await waitFor(async () => (await client.delivery(waiting))?.status === 'SUCCEEDED', 'the waiting delivery to be sent on resume');
    await expect.poll(() => callout(page).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('at 390 px the endpoint page with its callout has no sideways scroll', async () => {
    const { client } = await harness.organization('phone');
    const created = await client.createEndpoint({ name: 'Phone', url: `${receiver.url}/a/long/path/for/a/narrow/screen/that/goes/on/and/on`, eventTypes: ['*'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const toggled = await client.toggleEndpoint({ id: created.endpoint.id, active: false });
    if (toggled.__typename !== 'ToggleEndpointPayload') throw new Error(toggled.message);
    const link = await harness.portalLink(client);
    const { page, errors } = await harness.open(link.url);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Phone' }).click();
    await callout(page).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await harness.screenshot(page, 'endpoint-callout-390');
    expect(errors).toEqual([]);
  });
});
