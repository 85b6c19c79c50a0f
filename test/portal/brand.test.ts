// De-risks the white label, in a real Chromium against a real API, worker and receiver: a session's
// brandName is in the header and in the test webhook a receiver gets (neutral words without one);
// no page, and no error a customer can provoke, shows "Herald", a HERALD_ setting or a mutation
// name; the session's theme and the link's parameters reach computed styles; and hostile theme
// values are refused with a typed error (session) or ignored (link), never reaching a style.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeraldClient } from '../../sdk/src/index.ts';
import { verifySnippet } from '../../portal/src/endpoints/verify-snippets.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;

/** Every mutation's name, from the printed schema: none may appear in a customer's copy. */
const MUTATIONS = (() => {
  const schema = readFileSync(resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');
  const body = schema.slice(schema.indexOf('type Mutation {'), schema.indexOf('\n}', schema.indexOf('type Mutation {')));
  return [...body.replace(/"""[\s\S]*?"""/g, '').matchAll(/^\s{2}(\w+)\(/gm)].map((m) => m[1]!);
})();

beforeAll(async () => {
  harness = await startPortalHarness({ retryScheduleMs: [0, 3_600_000], disableAfterFailures: 0 });
  receiver = await startReceiver();
  await harness.herald.db.eventType.create({ data: { name: 'invoice.paid', description: 'An invoice was paid in full.' } });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

async function mint(client: HeraldClient, input: Parameters<HeraldClient['createPortalSession']>[0]): Promise<string> {
  const result = await client.createPortalSession(input);
  if (result.__typename !== 'CreatePortalSessionPayload') throw new Error(`createPortalSession: ${result.message}`);
  return harness.linkFor(result.token);
}

/** The words a customer reads on the page now: its text, the title and the tooltips. */
async function operatorWords(page: Page, screen: string): Promise<string[]> {
  const text = await page.evaluate(() => [document.title, document.body.innerText, ...[...document.querySelectorAll('[title]')].map((e) => e.getAttribute('title') ?? '')].join('\n'));
  const found: string[] = [];
  if (text.includes('Herald')) found.push(`${screen}: "Herald" in ${JSON.stringify(text.slice(Math.max(0, text.indexOf('Herald') - 40), text.indexOf('Herald') + 40))}`);
  if (text.includes('HERALD_')) found.push(`${screen}: a HERALD_ setting`);
  for (const name of MUTATIONS) if (new RegExp(`\\b${name}\\b`).test(text)) found.push(`${screen}: the mutation ${name}`);
  if (/\b(?:id|url|input|endpointId)(?:\.\w+)*: /.test(text)) found.push(`${screen}: a field path`);
  return found;
}

const rgb = (page: Page, selector: string, property: string) => page.locator(selector).first().evaluate((e, p) => getComputedStyle(e).getPropertyValue(p), property);

describe('the portal under the integrator’s name', () => {
  it('shows the brand in the header and sends it in the test webhook; neutral words without one', async () => {
    const org = await harness.organization('brand-acme');
    const created = await org.client.createEndpoint({ url: `${receiver.url}/acme`, name: 'Orders', eventTypes: ['*'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const { page } = await harness.open(await mint(org.client, { brandName: '  Acme   Cloud ' }));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await expect.poll(() => page.locator('header .brand').textContent(), { timeout: 8_000 }).toBe('Acme Cloud');
    await expect.poll(() => page.title(), { timeout: 8_000 }).toBe('Acme Cloud webhooks');
    await harness.screenshot(page, 'brand-header');

    await page.getByRole('link', { name: 'Orders' }).first().click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    const delivered = await waitFor(async () => receiver.requests.find((r) => r.url === '/acme'), 'the test webhook');
    expect(JSON.parse(delivered.body)).toMatchObject({ type: 'webhook.test', data: { message: 'A test webhook from Acme Cloud.' } });

    // A session without a brand: no name in the header, and the test webhook names nobody.
    const plain = await harness.open(await mint(org.client, {}));
    await plain.page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await plain.page.locator('header .brand').count()).toBe(0);
    expect(await plain.page.title()).toBe('Webhooks');
    await plain.page.getByRole('link', { name: 'Orders' }).first().click();
    await plain.page.getByRole('button', { name: 'Send test event' }).click();
    const neutral = await waitFor(async () => receiver.requests.filter((r) => r.url === '/acme')[1], 'the second test webhook');
    expect(JSON.parse(neutral.body).data).toEqual({ message: 'A test webhook.' });
  });

  it('shows no operator word on any page or in the errors a customer can provoke', async () => {
    const org = await harness.organization('brand-words');
    const { page, errors } = await harness.open(await mint(org.client, { brandName: 'Acme' }));
    const found: string[] = [];
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    found.push(...(await operatorWords(page, 'endpoints (empty)')));

    await page.getByRole('link', { name: 'Add endpoint' }).first().click();
    found.push(...(await operatorWords(page, 'add endpoint')));
    // An ftp:// URL: the error says what is wrong and what to use, not a deployment setting.
    await page.getByLabel('Endpoint URL').fill('ftp://example.com/hooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent(), { timeout: 8_000 }).toBe('must start with https:// (ftp:// addresses cannot receive webhooks)');
    found.push(...(await operatorWords(page, 'add endpoint, ftp URL')));
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/words`);
    await page.getByLabel('Name', { exact: true }).fill('Words');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('I have stored the secret').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Words' }).waitFor();
    found.push(...(await operatorWords(page, 'endpoint')));
    // The snippet on the page is the program test/portal/snippets.test.ts runs.
    const shown = await page.locator('pre[data-snippet="node-STANDARD_WEBHOOKS"]').textContent();
    expect(shown).toBe(verifySnippet('node', 'STANDARD_WEBHOOKS', harness.herald.config.signatureHeader).code);

    // A product event, delivered; then its endpoint is turned off and the customer asks for a retry.
    const published = await org.client.publishEvent({ type: 'invoice.paid', payload: { invoice: 'in_1' } });
    if (published.__typename !== 'PublishEventPayload') throw new Error(published.message);
    const deliveryId = published.deliveries[0]!.id;
    await page.goto(`${harness.origin}/portal/#/deliveries/${encodeURIComponent(deliveryId)}`);
    await page.locator('[data-status="SUCCEEDED"], .status-succeeded').first().waitFor();
    found.push(...(await operatorWords(page, 'delivery')));
    const endpoint = (await org.client.endpoints({ first: 1 })).edges[0]!.node;
    const toggled = await org.client.toggleEndpoint({ id: endpoint.id, active: false });
    expect(toggled.__typename).toBe('ToggleEndpointPayload');
    await page.reload();
    // A retry that cannot work is not offered: the button is off and says why, in words about what
    // to do (no field path like the API's "id: …", no mutation name).
    const retry = page.getByRole('button', { name: 'Retry now' });
    await expect.poll(() => retry.isDisabled(), { timeout: 8_000 }).toBe(true);
    expect(await page.locator('#retry-why').textContent()).toBe('Its endpoint is turned off, so it cannot be retried now: resume the endpoint first.');
    found.push(...(await operatorWords(page, 'delivery, retry not offered')));

    for (const [tab, heading] of [['Delivery log', 'Delivery log'], ['Event catalog', 'Event catalog']] as const) {
      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: tab }).click();
      await page.getByRole('heading', { name: heading }).first().waitFor();
      found.push(...(await operatorWords(page, tab)));
    }
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("applies the session's theme and the link's parameters to computed styles", async () => {
    const org = await harness.organization('brand-theme');
    const theme = { accent: '#7B1FA2', background: '#fdf6e3', foreground: '#073642', radiusPx: 0, fontFamily: "Georgia, 'Times New Roman', serif" };
    const { page } = await harness.open(await mint(org.client, { brandName: 'Solar', theme }));
    const primary = page.locator('a.button.primary').first();
    await primary.waitFor();
    await expect.poll(() => rgb(page, 'body', 'background-color'), { timeout: 8_000 }).toBe('rgb(253, 246, 227)');
    expect(await rgb(page, 'body', 'color')).toBe('rgb(7, 54, 66)');
    expect(await primary.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(123, 31, 162)');
    expect(await primary.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(255, 255, 255)');
    expect(await primary.evaluate((e) => getComputedStyle(e).borderRadius)).toBe('0px');
    expect(await rgb(page, 'body', 'font-family')).toBe("Georgia, \"Times New Roman\", serif");
    await harness.screenshot(page, 'brand-theme');

    // The link's parameters win over the session's, field by field.
    const linked = await harness.open(`${await mint(org.client, { theme })}&accent=%23d32f2f&radius=12`);
    const button = linked.page.locator('a.button.primary').first();
    await button.waitFor();
    await expect.poll(() => button.evaluate((e) => getComputedStyle(e).backgroundColor), { timeout: 8_000 }).toBe('rgb(211, 47, 47)');
    expect(await button.evaluate((e) => getComputedStyle(e).borderRadius)).toBe('12px');
    expect(await rgb(linked.page, 'body', 'background-color')).toBe('rgb(253, 246, 227)');
  });

  it('refuses a hostile theme or brand with a typed error and keeps no session; ignores one in the link', async () => {
    const org = await harness.organization('brand-hostile');
    const before = await harness.herald.db.apiKey.count({ where: { kind: 'PORTAL' } });
    const refused = await org.client.createPortalSession({
      theme: { accent: 'red;}body{display:none', background: 'url(https://evil.example/x)', radiusPx: 99, fontFamily: 'x; background:url(https://evil.example/)' },
    });
    expect(refused.__typename).toBe('ValidationError');
    if (refused.__typename !== 'ValidationError') return;
    expect(refused.fields.map((field) => field.path.join('.'))).toEqual(['theme.accent', 'theme.background', 'theme.radiusPx', 'theme.fontFamily']);
    for (const brandName of ['A'.repeat(61), 'Acme\u202Egnp.exe', 'Acme\nCorp']) {
      const result = await org.client.createPortalSession({ brandName });
      expect(result.__typename, JSON.stringify(brandName)).toBe('ValidationError');
      if (result.__typename === 'ValidationError') expect(result.fields[0]!.path).toEqual(['brandName']);
    }
    const unreadable = await org.client.createPortalSession({ theme: { background: '#ffffff', foreground: '#eeeeee' } });
    expect(unreadable.__typename === 'ValidationError' && unreadable.fields[0]!.path).toEqual(['theme', 'foreground']);
    expect(await harness.herald.db.apiKey.count({ where: { kind: 'PORTAL' } })).toBe(before);

    // In the link, a bad value is dropped (the default stays) and fetches nothing.
    const hostile = `&accent=${encodeURIComponent('red;}body{display:none')}&background=${encodeURIComponent('url(https://evil.example/x)')}&font=${encodeURIComponent('x;background:url(https://evil.example/)')}&radius=1e3`;
    const { page, foreignRequests } = await harness.open(`${await mint(org.client, {})}${hostile}`);
    const button = page.locator('a.button.primary').first();
    await button.waitFor();
    expect(await rgb(page, 'body', 'background-color')).toBe('rgb(255, 255, 255)');
    expect(await button.evaluate((e) => getComputedStyle(e).borderRadius)).toBe('6px');
    expect(await page.evaluate(() => document.documentElement.getAttribute('style') ?? '')).toBe('');
    expect(foreignRequests).toEqual([]);
  });
});
