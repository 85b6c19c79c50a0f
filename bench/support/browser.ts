// A headless Chromium for the portal scenario, and portal links on a bench Herald. The api process
// serves the built portal (portal/dist) at /portal/; it is built first when missing or older than
// its sources, exactly as the portal tests do.
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type BrowserContext } from 'playwright-core';
import { ensurePortalBuilt } from '../../test/portal/build.ts';
import type { BenchHerald } from './herald.ts';

export async function launchBenchBrowser(): Promise<Browser> {
  await ensurePortalBuilt();
  // Without --single-process (which @sparticuz/chromium sets for Lambda): there, closing a context
  // can take the whole browser down, and a customer's browser runs each page in a process of its own.
  const args = chromium.args.filter((arg) => arg !== '--single-process');
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/** A fresh context: an empty HTTP cache and sessionStorage, as a customer's first visit. */
export async function freshContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
  context.setDefaultTimeout(30_000);
  return context;
}

/**
 * A portal session minted by the organization's key (createPortalSession), as a link to this api
 * process. The mutation's own `url` names HERALD_PUBLIC_URL (localhost by default); the bench
 * stays on 127.0.0.1.
 */
export async function portalLink(herald: BenchHerald): Promise<string> {
  const data = await herald.graphql<{ createPortalSession: { __typename: string; token?: string; message?: string } }>(
    `mutation { createPortalSession(input: {}) { __typename ... on CreatePortalSessionPayload { token } ... on Error { message } } }`,
  );
  const { token, message } = data.createPortalSession;
  if (!token) throw new Error(`createPortalSession: ${message ?? data.createPortalSession.__typename}`);
  return `${herald.api.origin}/portal/#token=${encodeURIComponent(token)}`;
}
