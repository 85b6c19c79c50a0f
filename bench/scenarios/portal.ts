// The webhooks portal in a headless Chromium against the bench's api and worker processes (the api
// serves portal/dist at /portal/), with 20 endpoints and 1,000 deliveries in the organization:
// - the JavaScript the first screen loads (every script response's body, gzip-compressed one by
//   one with node:zlib at its default level, summed; raw bytes too);
// - navigation → an interactive endpoints list (20 rows and "Add endpoint" usable), in a fresh
//   browser context per load (empty cache), timed in this process; the median of `loads`;
// - attempt recorded → its row on screen shows SUCCEEDED, with the delivery log (all deliveries)
//   open and live while events are published at `rate` per second. "Recorded" is the attempt's
//   started_at + duration_ms from the database (the worker's clock); "on screen" is Date.now() in
//   the page when a MutationObserver sees the row's data-status become SUCCEEDED (the DOM commit;
//   paint follows within a frame). Both clocks are this machine's.
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import type { BenchCluster } from '../support/cluster.ts';
import { freshContext, launchBenchBrowser, portalLink } from '../support/browser.ts';
import { pollUntil, startBenchHerald, type BenchHerald } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { latencySummary, median, round } from '../support/stats.ts';
import { steadyPublishing } from './latency.ts';

export const PORTAL_BUDGETS = { jsGzipKb: 150, interactiveMs: 1_000, liveP95Ms: 500 };

const ENDPOINTS = 20; // the default HERALD_MAX_ENDPOINTS_PER_ORG
const SEEDED_DELIVERIES = 1_000;
const WARM_UP_EVENTS = 100;

export interface PortalRun {
  endpoints: number;
  deliveries: number;
  scripts: number;
  jsRawKb: number;
  jsGzipKb: number;
  loads: number;
  interactiveMs: number;
  interactiveRunsMs: number[];
  liveRate: number;
  liveSeconds: number;
  liveDeliveries: number;
  /** Measured deliveries whose SUCCEEDED row the page never showed (pushed off the 25-row page first). */
  liveUnseen: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Attempt recorded → its SUCCEEDED notice at the browser's socket: the api's share. */
  socket: { notices: number; p50Ms: number; p95Ms: number; p99Ms: number };
  pageErrors: string[];
}

export async function runPortal(
  cluster: BenchCluster,
  receiver: BenchReceiver,
  options: { loads: number; rate: number; seconds: number },
): Promise<PortalRun> {
  const [herald, browser] = await Promise.all([startBenchHerald(cluster), launchBenchBrowser()]);
  const pageErrors: string[] = [];
  try {
    const projects = Array.from({ length: ENDPOINTS }, (_, i) => `p${i}`);
    await herald.createEndpoints(projects.map((_, i) => `${receiver.origin}/ok/portal-${i}`), projects);
    // One project per endpoint, so each event makes exactly one delivery: 1,000 events, 1,000 deliveries.
    for (let sent = 0; sent < SEEDED_DELIVERIES; sent += 100) {
      await herald.publish(Array.from({ length: 100 }, (_, i) => ({ project: projects[(sent + i) % ENDPOINTS]!, data: { seed: sent + i } })));
    }
    await settled(herald, SEEDED_DELIVERIES);

    // One load first, unmeasured: the api's first requests compile its code paths.
    await loadEndpointList(herald, browser, pageErrors);
    const loads = [];
    for (let i = 0; i < options.loads; i++) loads.push(await loadEndpointList(herald, browser, pageErrors));
    const first = loads[0]!;

    const live = await followDeliveryLog(herald, browser, pageErrors, projects[0]!, options.rate, options.seconds);
    return {
      endpoints: ENDPOINTS,
      deliveries: SEEDED_DELIVERIES,
      scripts: first.scripts.length,
      jsRawKb: round(sum(first.scripts.map((s) => s.raw)) / 1024),
      jsGzipKb: round(sum(first.scripts.map((s) => s.gzip)) / 1024),
      loads: loads.length,
      interactiveMs: round(median(loads.map((l) => l.ms)), 0),
      interactiveRunsMs: loads.map((l) => round(l.ms, 0)),
      liveRate: options.rate,
      liveSeconds: options.seconds,
      ...live,
      pageErrors,
    };
  } finally {
    await browser.close();
    await herald.stop();
  }
}

interface Load {
  ms: number;
  scripts: Array<{ url: string; raw: number; gzip: number }>;
}

async function loadEndpointList(herald: BenchHerald, browser: Browser, pageErrors: string[]): Promise<Load> {
  const link = await portalLink(herald);
  const context = await freshContext(browser);
  try {
    const page = await context.newPage();
    watchErrors(page, pageErrors);
    const scriptResponses: Array<Promise<{ url: string; raw: number; gzip: number }>> = [];
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      scriptResponses.push(response.body().then((body) => ({ url: response.url(), raw: body.length, gzip: gzipSync(body).length })));
    });
    const started = performance.now();
    await page.goto(link, { waitUntil: 'commit' });
    await page.waitForFunction((rows) => {
      const table = document.querySelector('main table tbody');
      const add = [...document.querySelectorAll('main a, main button')].find((el) => el.textContent?.trim() === 'Add endpoint');
      return table?.querySelectorAll('tr').length === rows && add !== undefined && !add.matches(':disabled, [aria-disabled="true"]');
    }, ENDPOINTS);
    const ms = performance.now() - started;
    return { ms, scripts: await Promise.all(scriptResponses) };
  } finally {
    await context.close();
  }
}

async function followDeliveryLog(
  herald: BenchHerald,
  browser: Browser,
  pageErrors: string[],
  project: string,
  rate: number,
  seconds: number,
): Promise<Pick<PortalRun, 'liveDeliveries' | 'liveUnseen' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs' | 'socket'>> {
  const context = await freshContext(browser);
  try {
    const page = await context.newPage();
    watchErrors(page, pageErrors);
    // When each delivery's SUCCEEDED notice reached the browser's socket (this process's clock, as
    // Playwright reports the frame): splits the api's share of the latency from the page's.
    const atSocket = new Map<string, number>();
    let lastNotice = Date.now();
    page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => {
        const now = Date.now();
        const delivery = (JSON.parse(String(frame.payload)) as { payload?: { data?: { deliveryUpdated?: { id: string; status: string } } } }).payload?.data?.deliveryUpdated;
        if (!delivery) return;
        lastNotice = now;
        if (delivery.status === 'SUCCEEDED' && !atSocket.has(delivery.id)) atSocket.set(delivery.id, now);
      }),
    );
    /** Until no notice has come for a second: the api has sent what it had (bounded). */
    const quiet = () => pollUntil(async () => Date.now() - lastNotice > 1_000, 60_000, 100);

    await page.goto(await portalLink(herald));
    await page.locator('main h1', { hasText: 'Endpoints' }).waitFor();
    await page.evaluate(() => (window.location.hash = '#/deliveries'));
    await page.locator('.delivery-log [data-live="live"]').waitFor();
    await page.locator('.delivery-log tbody tr[data-delivery-id]').first().waitFor();
    // First time each row was in the DOM as SUCCEEDED, by delivery id (dlv_…), on the page's clock.
    await page.evaluate(() => {
      const seen = new Map<string, number>();
      (window as unknown as { __benchSeen: Map<string, number> }).__benchSeen = seen;
      const scan = () => {
        const now = Date.now();
        for (const row of document.querySelectorAll('tr[data-delivery-id][data-status="SUCCEEDED"]')) {
          const id = row.getAttribute('data-delivery-id')!;
          if (!seen.has(id)) seen.set(id, now);
        }
      };
      new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });

    // 10 events a call, as the latency and live-status scenarios publish: one call per event at
    // 50/s is a publishing load, and on 2 cores it takes the api's CPU from the live feed.
    const perCall = 10;
    const publishAt = (phase: string, total: number) =>
      steadyPublishing(rate / perCall, total / perCall, (call) =>
        herald.publish(Array.from({ length: perCall }, (_, i) => ({ project, data: { phase, seq: call * perCall + i } }))),
      );
    // Warm-up at the same rate with the page following (the api's feed and the page's rendering),
    // then measured traffic only once the feed has gone quiet, so no warm-up backlog is counted.
    await publishAt('warm-up', WARM_UP_EVENTS);
    await settled(herald, SEEDED_DELIVERIES + WARM_UP_EVENTS);
    await quiet();
    const total = rate * seconds;
    await publishAt('measure', total);
    await settled(herald, SEEDED_DELIVERIES + WARM_UP_EVENTS + total);
    await quiet();

    const { rows } = await herald.sql.query<{ id: string; recorded_ms: number }>(
      `SELECT 'dlv_' || replace(d.id::text, '-', '') AS id,
              extract(epoch FROM a.started_at)::float8 * 1000 + a.duration_ms AS recorded_ms
         FROM deliveries d
         JOIN events e ON e.id = d.event_id
         JOIN attempts a ON a.delivery_id = d.id AND a.number = d.attempt_count
        WHERE e.payload->>'phase' = 'measure' AND d.status = 'SUCCEEDED'`,
    );
    if (rows.length !== total) throw new Error(`portal: ${rows.length} of ${total} measured deliveries succeeded`);
    const seen = new Map(await page.evaluate(() => [...(window as unknown as { __benchSeen: Map<string, number> }).__benchSeen]));
    const since = (shown: Map<string, number>) =>
      rows.flatMap((row) => {
        const at = shown.get(row.id);
        return at === undefined ? [] : [at - row.recorded_ms];
      });
    const latencies = since(seen);
    const socket = since(atSocket);
    return {
      liveDeliveries: total,
      liveUnseen: total - latencies.length,
      ...latencySummary(latencies),
      maxMs: round(Math.max(...latencies)),
      socket: { notices: socket.length, ...latencySummary(socket) },
    };
  } finally {
    await context.close();
  }
}

/** Waits until `count` deliveries have succeeded (and nothing else is left to deliver). */
async function settled(herald: BenchHerald, count: number): Promise<void> {
  const done = await pollUntil(async () => ((await herald.statusCounts())['SUCCEEDED'] ?? 0) >= count, 120_000, 100);
  if (!done) throw new Error(`portal: deliveries did not settle at ${count}: ${JSON.stringify(await herald.statusCounts())}`);
}

function watchErrors(page: Page, into: string[]): void {
  page.on('pageerror', (error) => into.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') into.push(message.text());
  });
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
