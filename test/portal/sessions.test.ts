// De-risks what a portal link may see and do: another organization's link shows nothing of this
// one; a read-only link shows no write button and the API refuses its writes; an expired, a
// revoked and a missing link each get a page that says so; and the embedding contract: theme and
// a validated accent from the link, the height posted to the parent frame.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANIZATION_SCOPES } from '../../src/auth/scopes.ts';
import { createPortalSession } from '../../src/portal/portal-sessions.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;
let receiver: Receiver;
let parent: Server;
let parentOrigin: string;
let frameUrl = '';

beforeAll(async () => {
  // The embedding page, on another origin: it frames the portal and records the heights it is told.
  parent = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><title>host</title><script>window.heights=[];addEventListener('message',e=>{if(e.data&&e.data.type==='herald:portal:height')window.heights.push(e.data.height)})</script>
<iframe title="Webhooks" src="${frameUrl}" style="width:900px;height:300px"></iframe>`);
  });
  await new Promise<void>((r) => parent.listen(0, '127.0.0.1', r));
  parentOrigin = `http://127.0.0.1:${(parent.address() as AddressInfo).port}`;
  [harness, receiver] = await Promise.all([startPortalHarness({ portalFrameAncestors: [parentOrigin] }), startReceiver()]);
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
  parent?.closeAllConnections();
  await new Promise<void>((r) => parent?.close(() => r()));
});

describe('portal links', () => {
  it("shows nothing of another organization's endpoints", async () => {
    const acme = await harness.organization('acme-iso');
    const created = await acme.client.createEndpoint({ url: `${receiver.url}/acme`, name: 'Acme secret endpoint', eventTypes: ['*'] });
    expect(created.__typename).toBe('CreateEndpointPayload');
    const other = await harness.organization('other-iso');
    const { page } = await harness.open((await harness.portalLink(other.client)).url);
    await page.getByText('A webhook is a URL of yours').waitFor();
    expect(await page.content()).not.toContain('Acme secret endpoint');
    // Its id, typed into the address bar, is not found either.
    const id = created.__typename === 'CreateEndpointPayload' ? created.endpoint.id : '';
    await page.evaluate((to) => (window.location.hash = to), `#/endpoints/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { name: 'Endpoint not found' }).waitFor();
    expect(await page.content()).not.toContain(`${receiver.url}/acme`);
  });

  it('read-only: no write button, and the API refuses the writes', async () => {
    const org = await harness.organization('readonly');
    const created = await org.client.createEndpoint({ url: `${receiver.url}/ro`, name: 'Read me', eventTypes: ['*'] });
    if (created.__typename !== 'CreateEndpointPayload') throw new Error(created.message);
    const link = await harness.portalLink(org.client, { readOnly: true });
    const { page } = await harness.open(link.url);
    await page.getByRole('link', { name: 'Read me' }).waitFor();
    await page.getByText('Read-only').waitFor();
    expect(await page.getByRole('link', { name: 'Add endpoint' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Read me' }).click();
    await page.getByRole('heading', { name: 'Read me' }).waitFor();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    for (const name of ['Pause endpoint', 'Rotate secret', 'Delete endpoint', 'Send test event', 'Edit', 'Replay failed deliveries…']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    // The page only reflects the API, which refuses the session's writes.
    const { createHeraldClient, HeraldAuthError } = await import('../../sdk/src/index.ts');
    const asSession = createHeraldClient({ url: `${harness.origin}/graphql`, apiKey: link.token, retries: 0 });
    await expect(asSession.toggleEndpoint({ id: created.endpoint.id, active: false })).rejects.toBeInstanceOf(HeraldAuthError);
    await expect(asSession.deleteEndpoint({ id: created.endpoint.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('an expired link says so and how to get a new one', async () => {
    const org = await harness.organization('expired');
    const grant = { scopes: [...ORGANIZATION_SCOPES], seconds: 60 };
    const { token } = await createPortalSession(harness.herald.db, harness.herald.config, org.dbId, grant, { now: new Date(Date.now() - 3_600_000) });
    const { page, errors } = await harness.open(harness.linkFor(token));
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await page.getByText('To get a new link').waitFor();
    await harness.screenshot(page, 'link-expired');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(errors.filter((e) => !e.includes('401') && !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('a revoked link says so, also when it is revoked while open', async () => {
    const org = await harness.organization('revoked');
    const link = await harness.portalLink(org.client);
    const { page } = await harness.open(link.url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    const revoked = await org.client.revokePortalSessions({});
    expect(revoked.__typename).toBe('RevokePortalSessionsPayload');
    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('heading', { name: 'This link has been revoked' }).waitFor();
    const again = await harness.open(link.url);
    await again.page.getByRole('heading', { name: 'This link has been revoked' }).waitFor();
  });

  it('without a token, explains how to open the portal', async () => {
    const { page } = await harness.open(`${harness.origin}/portal/`);
    await page.getByRole('heading', { name: 'Open the webhooks portal from your application' }).waitFor();
    await harness.screenshot(page, 'link-missing');
  });
});

describe('embedding', () => {
  it('takes the theme and a hex accent from the link, and refuses anything else as an accent', async () => {
    const org = await harness.organization('theme');
    const dark = await harness.open((await harness.portalLink(org.client, { extra: '&theme=dark&accent=%23ff5a00' })).url);
    await dark.page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await dark.page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await dark.page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim())).toBe('#ff5a00');
    await harness.screenshot(dark.page, 'endpoints-dark');

    const hostile = await harness.open((await harness.portalLink(org.client, { extra: '&theme=evil&accent=red;background:url(https://evil.example/x)' })).url);
    await hostile.page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await hostile.page.evaluate(() => document.documentElement.dataset['theme'])).toBe('light');
    expect(await hostile.page.evaluate(() => document.documentElement.style.getPropertyValue('--accent'))).toBe('');
    expect(hostile.foreignRequests).toEqual([]);

    const system = await harness.open((await harness.portalLink(org.client, { extra: '&theme=system' })).url, { colorScheme: 'dark' });
    await system.page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await system.page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
  });

  it('tells the parent frame its height as it changes', async () => {
    const org = await harness.organization('framed');
    for (let i = 0; i < 6; i += 1) await org.client.createEndpoint({ url: `${receiver.url}/f${i}`, name: `Framed ${i}`, eventTypes: ['*'] });
    frameUrl = (await harness.portalLink(org.client)).url;
    const { page } = await harness.open(parentOrigin);
    const frame = page.frameLocator('iframe');
    await frame.getByRole('link', { name: 'Framed 5' }).waitFor();
    await expect.poll(() => page.evaluate(() => (window as unknown as { heights: number[] }).heights.length)).toBeGreaterThan(0);
    const first = await page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1)!);
    await frame.getByRole('link', { name: 'Event catalog' }).click();
    await frame.getByRole('heading', { name: 'Event catalog' }).waitFor();
    await expect.poll(() => page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1))).not.toBe(first);
  });
});
