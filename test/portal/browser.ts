// A real Chromium against a real Herald on a real port: /graphql with graphql-ws and the built
// portal at /portal/. One browser per test file; each test opens its own context (its own
// sessionStorage), and every page is watched for what a hostile string could make it do: dialogs,
// console errors, and requests that leave the origin.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createHeraldClient, type HeraldClient } from '../../sdk/src/index.ts';
import type { HeraldConfig } from '../../src/config/config.ts';
import { attachGraphQLWebSocket } from '../../src/graphql/websocket.ts';
import { silentLogger } from '../../src/log.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { ensurePortalBuilt } from './build.ts';

const root = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(root, 'test/portal/artifacts');

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Alerts, confirms and prompts the page opened. */
  dialogs: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests to anywhere but the portal's own origin. */
  foreignRequests: string[];
}

export interface Viewport {
  width: number;
  height: number;
}

/** The sizes every screen is checked at: a laptop and a phone (an iPhone 12–15's CSS pixels). */
export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const PHONE: Viewport = { width: 390, height: 844 };

export interface PortalHarness {
  herald: TestHerald;
  origin: string;
  browser: Browser;
  /** An organization, its key and an SDK client on it. */
  organization(slug: string, scopes?: string[]): Promise<{ id: string; dbId: string; key: string; client: HeraldClient }>;
  /** A portal link minted with createPortalSession, pointing at this server. */
  portalLink(client: HeraldClient, options?: { readOnly?: boolean; extra?: string }): Promise<{ url: string; token: string }>;
  linkFor(token: string, extra?: string): string;
  /** A new context on `url`; the viewport defaults to a desktop's 1200×900. */
  open(url: string, options?: { colorScheme?: 'light' | 'dark'; viewport?: Viewport }): Promise<Watched>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startPortalHarness(overrides: Partial<HeraldConfig> = {}): Promise<PortalHarness> {
  const [herald, browser] = await Promise.all([
    startTestHerald({ allowPrivateNetworks: true, ...overrides }, { worker: true }),
    playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true }),
    ensurePortalBuilt(),
  ]);
  // The API serves /portal/ from portal/dist under the portal's CSP (src/portal/serve-portal.ts).
  const server = createServer(herald.yoga);
  const sockets = attachGraphQLWebSocket(server, herald.yoga, herald.services, silentLogger);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const contexts = new Set<BrowserContext>();
  mkdirSync(ARTIFACTS, { recursive: true });

  const harness: PortalHarness = {
    herald,
    origin,
    browser,
    async organization(slug, scopes) {
      const organization = await herald.organization(slug, scopes);
      const client = createHeraldClient({ url: `${origin}/graphql`, apiKey: organization.key, retries: 0 });
      return { id: organization.globalId, dbId: organization.id, key: organization.key, client };
    },
    async portalLink(client, options = {}) {
      const result = await client.createPortalSession({ readOnly: options.readOnly ?? false });
      if (result.__typename !== 'CreatePortalSessionPayload') throw new Error(`createPortalSession: ${result.message}`);
      return { token: result.token, url: harness.linkFor(result.token, options.extra) };
    },
    linkFor(token, extra = '') {
      return `${origin}/portal/#token=${encodeURIComponent(token)}${extra}`;
    },
    async open(url, options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1200, height: 900 }, colorScheme: options.colorScheme ?? 'light', permissions: ['clipboard-read', 'clipboard-write'] });
      contexts.add(context);
      // Fails a step within the test's time, naming the step, instead of timing the whole test out.
      context.setDefaultTimeout(8_000);
      const page = await context.newPage();
      const watched: Watched = { page, context, dialogs: [], errors: [], foreignRequests: [] };
      page.on('dialog', (dialog) => {
        watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on('console', (message) => {
        if (message.type() === 'error') watched.errors.push(message.text());
      });
      page.on('pageerror', (error) => watched.errors.push(error.message));
      page.on('request', (request) => {
        const target = new URL(request.url());
        if (target.host !== new URL(origin).host) watched.foreignRequests.push(request.url());
      });
      await page.goto(url);
      return watched;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await sockets.dispose();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await herald.close();
    },
  };
  return harness;
}
