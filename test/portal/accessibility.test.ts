// De-risks the portal for people using assistive technology: axe finds no serious or critical
// violation on any screen (lists, forms with server errors shown, the secret, dialogs, the live
// log, a delivery, the catalog, the link pages) in the light and the dark theme.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;

beforeAll(async () => {
  harness = await startPortalHarness({ retryScheduleMs: [0, 3_600_000], disableAfterFailures: 0 });
  receiver = await startReceiver((_request, response) => {
    response.statusCode = 503;
    response.end('try later');
  });
  await harness.herald.db.eventType.create({
    data: { name: 'order.created', description: 'An order was placed.', schema: { type: 'object', properties: { id: { type: 'string' } }, examples: [{ id: 'ord_1' }] } },
  });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

async function audit(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${screen}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

describe.each(['light', 'dark'] as const)('every screen, %s theme', (theme) => {
  it('has no serious or critical axe violation', async () => {
    const org = await harness.organization(`a11y-${theme}`);
    const { page } = await harness.open((await harness.portalLink(org.client, { extra: `&theme=${theme}` })).url);
    await page.getByText('A webhook is a URL of yours').waitFor();
    await audit(page, 'endpoints (empty)');

    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('.field-error, .alert').first().waitFor();
    await audit(page, 'add endpoint (with errors)');

    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/a11y`);
    await page.getByLabel('Name', { exact: true }).fill('Accessible');
    await page.getByLabel('All events').uncheck();
    await page.getByLabel('order.created').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Signing secret', { exact: true }).waitFor();
    await audit(page, 'secret');
    await page.getByLabel('I have stored the secret').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Accessible' }).waitFor();
    await page.locator('[data-live="live"]').waitFor();
    await page.getByLabel('Test event type').selectOption('order.created');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('.delivery-log tbody tr[data-status="RETRYING"]').waitFor();
    await audit(page, 'endpoint detail with live log');

    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('dialog').waitFor();
    await audit(page, 'delete dialog');
    await page.keyboard.press('Escape');
    await waitFor(async () => (await page.getByRole('dialog').count()) === 0, 'Escape to close the dialog');
    await page.getByRole('button', { name: 'Replay failed deliveries…' }).click();
    await page.getByRole('button', { name: 'Count failed deliveries' }).click();
    await page.getByText(/failed deliver(y|ies) since/).waitFor();
    await audit(page, 'replay dialog');
    await page.keyboard.press('Escape');

    await page.locator('.delivery-log tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Attempts' }).waitFor();
    await audit(page, 'delivery');

    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('link', { name: 'Accessible' }).waitFor();
    await audit(page, 'endpoints');
    await harness.screenshot(page, `endpoints-${theme}`);

    await page.getByRole('link', { name: 'Delivery log' }).click();
    await page.locator('.delivery-log tbody tr').first().waitFor();
    await audit(page, 'delivery log');

    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('heading', { name: 'Event catalog', level: 1 }).waitFor();
    for (const summary of await page.locator('summary').all()) await summary.click();
    await page.getByLabel('Example payload of order.created').waitFor();
    await audit(page, 'catalog');
  }, 60_000);
});

describe('link pages', () => {
  it('missing link page has no serious or critical violation', async () => {
    const { page } = await harness.open(`${harness.origin}/portal/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await audit(page, 'link missing');
  });
});
