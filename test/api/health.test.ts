// The API's answers outside GraphQL, over real HTTP: /health and /ready as JSON saying what was
// checked (and /ready warning when no worker is alive, from pg-boss's instance registry), the
// developer's page at / outside production (404 in it), the worker's probes, and the start-up line
// naming the next step (a real `herald api`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromDefaults, type HeraldConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/log.ts';
import { startApiServer, startProbeServer, type ApiServer } from '../../src/processes/api-server.ts';
const NO_WORKER_WARNING = 'No Herald worker has been seen recently: published deliveries wait as PENDING until one runs (herald worker, or herald serve).';
import { openRuntime, type Runtime } from '../../src/processes/runtime.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { spawnHerald, waitForOutput } from '../support/cli.ts';
import { FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
const encryptionKeyBase64 = randomBytes(32).toString('base64');
const toClose: Array<() => Promise<unknown>> = [];
let draining = false;

beforeAll(async () => {
  herald = await startTestHerald({ encryptionKeyBase64 });
});
afterAll(async () => {
  for (const close of toClose.reverse()) await close();
  await herald.close();
});

const configFor = (overrides: Partial<HeraldConfig>) => configFromDefaults({ databaseUrl: herald.databaseUrl, encryptionKeyBase64, queueTimings: FAST_QUEUE_TIMINGS, ...overrides });

async function api(overrides: Partial<HeraldConfig> = {}): Promise<ApiServer> {
  const runtime = await openRuntime(configFor({ nodeEnv: 'development', ...overrides }), silentLogger, { queue: true, listen: false, work: false });
  const server = await startApiServer(runtime, { port: 0, host: '127.0.0.1', isDraining: () => draining });
  toClose.push(() => runtime.close(), () => server.close(100));
  return server;
}

async function worker(): Promise<{ runtime: Runtime; stop(): Promise<void> }> {
  const runtime = await openRuntime(configFor({ nodeEnv: 'development' }), silentLogger, { queue: true, listen: false, work: true });
  const started = await startWorker(runtime, runtime.boss!);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await started.stop(1_000);
    await runtime.close();
  };
  toClose.push(stop);
  return { runtime, stop };
}

async function getJson(url: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('/health and /ready', () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await api();
  });

  it('answers /health with a JSON body saying what it checked', async () => {
    expect(await getJson(`${server.url}/health`)).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: { status: 'ok', checks: { process: 'ok' } } });
  });

  it('answers /ready ok with its checks, warning that no worker has been seen', async () => {
    expect(await getJson(`${server.url}/ready`)).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { status: 'ok', checks: { database: 'ok', draining: 'no', workers: '0' }, warnings: [NO_WORKER_WARNING] },
    });
  });

  it('stops warning once a worker runs, and warns again when it has stopped', async () => {
    const running = await worker();
    expect((await getJson(`${server.url}/ready`)).body).toEqual({ status: 'ok', checks: { database: 'ok', draining: 'no', workers: '1' } });
    await running.stop();
    expect((await getJson(`${server.url}/ready`)).body).toMatchObject({ checks: { workers: '0' }, warnings: [NO_WORKER_WARNING] });
  });

  it('answers /ready 503 while draining, saying so', async () => {
    draining = true;
    try {
      const ready = await getJson(`${server.url}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', checks: { database: 'ok', draining: 'yes' } });
    } finally {
      draining = false;
    }
  });

  it("answers the worker's probes with the same bodies, without looking for other workers", async () => {
    const running = await worker();
    const probes = await startProbeServer(running.runtime, { port: 0, host: '127.0.0.1', isDraining: () => false });
    toClose.push(() => probes.close(100));
    expect((await getJson(`${probes.url}/health`)).body).toEqual({ status: 'ok', checks: { process: 'ok' } });
    expect(await getJson(`${probes.url}/ready`)).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: { status: 'ok', checks: { database: 'ok', draining: 'no' } } });
    await probes.close(100);
    await running.stop();
  });
});

describe('the developer page at /', () => {
  it('shows the next steps in development: GraphiQL, the portal-link command, the docs', async () => {
    const server = await api();
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<a href="/graphql">GraphiQL at /graphql</a>');
    expect(page).toContain('npm run --silent herald -- portal-link --org &lt;slug&gt;');
    expect(page).toContain('README.md');
    expect(page).toContain('docs/');
  });

  it('is a 404 in production', async () => {
    const server = await api({ nodeEnv: 'production', graphiql: false });
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    // The probes answer the same there.
    expect((await getJson(`${server.url}/health`)).body).toEqual({ status: 'ok', checks: { process: 'ok' } });
  });
});

describe('herald api as a child process', () => {
  it('names the next step on its start-up line, and serves the page and probes it names', async () => {
    const child = spawnHerald(['api'], {
      DATABASE_URL: herald.databaseUrl,
      NODE_ENV: 'development',
      PORT: '0',
      HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-health-')),
      HERALD_ENCRYPTION_KEY: encryptionKeyBase64,
    });
    try {
      const [line, port] = await waitForOutput(child, /Herald is listening on http:\/\/localhost:(\d+)\/graphql.*$/m, 60_000);
      const url = `http://localhost:${port}`;
      expect(line).toMatch(
        new RegExp(`Herald is listening on ${url}/graphql \\(bound to 127\\.0\\.0\\.1:${port}\\)\\. Next: open ${url}/; GraphiQL at ${url}/graphql; a portal link: npm run --silent herald -- portal-link --org <slug>$`),
      );
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      expect((await getJson(`http://127.0.0.1:${port}/ready`)).body).toMatchObject({ status: 'ok', warnings: [NO_WORKER_WARNING] });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 90_000);
});

describe('/metrics names', () => {
  it("gives prom-client's defaults one herald_ prefix (not herald_process_process_)", async () => {
    const server = await api();
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^herald_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^herald_nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^herald_deliveries_total|^# HELP herald_deliveries_total/m);
    expect(text).not.toMatch(/herald_process_process_|herald_process_nodejs_/);
  });
});
