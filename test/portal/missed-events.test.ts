// De-risks "Deliver what this endpoint missed since …" in a real Chromium against a real Herald and
// receiver: events published while the endpoint was off are counted first (nothing sent), then
// delivered once each on confirmation, and a second count finds nothing left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;

beforeAll(async () => {
  harness = await startPortalHarness({ retryScheduleMs: [0] });
  await harness.herald.db.eventType.create({ data: { name: 'invoice.sent' } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

describe('deliver what an endpoint missed', () => {
  it('counts the events missed while it was off, then delivers each once', async () => {
    const { client } = await harness.organization('missed-co');
    const created = await client.createEndpoint({ name: 'Invoices', url: `${receiver.url}/missed`, eventTypes: ['invoice.sent'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const id = created.endpoint.id;
    await client.toggleEndpoint({ id, active: false });
    for (const n of [1, 2]) await client.publishEvent({ type: 'invoice.sent', payload: { n } });
    await client.toggleEndpoint({ id, active: true });

    const link = await harness.portalLink(client);
    const { page, errors } = await harness.open(link.url);
    await page.getByRole('link', { name: 'Invoices' }).click();
    await page.getByRole('button', { name: 'Deliver what this endpoint missed…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Count missed events' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^2 missed events since /);
    expect(receiver.requests).toHaveLength(0);

    await dialog.getByRole('button', { name: 'Deliver 2 events' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 }).toBe('2 events queued for delivery.');
    await waitFor(async () => receiver.requests.length === 2 || null, 'the missed events to arrive');
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { data: { n: number } }).data.n)).toEqual([1, 2]);

    await dialog.getByRole('button', { name: 'Count missed events' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^0 missed events since /);
    expect(errors).toEqual([]);
  });
});
