// De-risks one tenant's requests exhausting a real `herald api` process (issue 20, findings 2 and
// 7e). (a) Organization A's worst within its limits — a read-only key's testFilter at the largest
// body it may send, 8 at once, over and over, with bodies past the limit among them — leaves
// organization B's small requests within 2× their quiet worst plus a floor, every client gets an
// answer (data or 413, never a reset), and the process's RSS stays within a margin of its
// baseline without growing from one round to the next.
// (b) 2,000 half-sent requests: past HERALD_MAX_CONNECTIONS a new connection is answered 503 and
// closed at once, /health 200 and /ready 503 (the process is alive but full), and the held ones
// are closed by the headers timeout.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';

const KIB = 1024;
/** The default HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH. */
const READ_ONLY_LIMIT = 320 * KIB;
const MAX_CONNECTIONS = 900;

let database: TestDatabase;
let env: Record<string, string>;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const a = await createOrganization(database.prisma, { slug: 'heavy-a' });
  const b = await createOrganization(database.prisma, { slug: 'quiet-b' });
  keyA = (await createOrganizationKey(database.prisma, { organizationId: a.id, scopes: ['endpoints:read', 'events:read', 'deliveries:read'] })).token;
  keyB = (await createOrganizationKey(database.prisma, { organizationId: b.id })).token;
  env = {
    DATABASE_URL: database.url,
    HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-requests-')),
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HERALD_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  };
});
afterAll(() => database?.drop());

/** VmRSS and VmHWM of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))![1]);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** The API's V8 heap in use (MB), from its /metrics. */
async function heapUsed(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Math.round(Number(text.match(/^herald_nodejs_heap_size_used_bytes (\S+)$/m)![1]) / 1024 / 1024);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a client saw: an HTTP status with the first error code, or the network error's code. */
async function call(origin: string, key: string, body: string): Promise<{ outcome: string; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    const text = await response.text();
    let answer: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      return { outcome: `${response.status} not JSON: ${JSON.stringify(text.slice(0, 80))} ${JSON.stringify([...response.headers])}`, ms: performance.now() - started };
    }
    const code = answer.errors?.[0]?.extensions?.code;
    return { outcome: code ? `${response.status} ${code}` : `${response.status} data`, ms: performance.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { outcome: `network ${cause?.code ?? String(error)}`, ms: performance.now() - started };
  }
}

const VIEWER = JSON.stringify({ query: '{ viewer { slug } }' });

/** B's small requests, one every 250 ms, until `stop` resolves: each one's latency. */
async function sampleB(origin: string, stop: Promise<unknown>): Promise<Array<{ outcome: string; ms: number }>> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const samples = [];
  while (!stopped && samples.length < 400) {
    samples.push(await call(origin, keyB, VIEWER));
    await sleep(250);
  }
  return samples;
}

const TEST_FILTER = 'query($filter: JSON!, $payload: JSON!) { testFilter(filter: $filter, payload: $payload) { ... on TestFilterPayload { matches } ... on ValidationError { message } } }';

/**
 * The costliest request a read-only key may send: its payload holds all the elements one JSON value
 * may (131,072, as zeros: the most elements per byte), the filter an `$in` of 600 values over them,
 * and the rest of the body up to the limit a string.
 */
function worstTestFilter(bytes: number): string {
  const variables = { filter: { x: { $in: Array.from({ length: 600 }, (_, i) => i + 1) } }, payload: { x: Array.from({ length: 131_071 }, () => 0) }, pad: '' };
  const unpadded = JSON.stringify({ query: TEST_FILTER, variables }).length;
  variables.pad = 'p'.repeat(bytes - unpadded);
  const body = JSON.stringify({ query: TEST_FILTER, variables });
  expect(body.length).toBe(bytes);
  return body;
}

describe('organization A at its worst within its limits', () => {
  let api: HeraldProcess;
  beforeAll(async () => {
    api = await startHeraldProcess('api', env);
  });
  afterAll(() => api?.kill());

  it("keeps B's requests within 2× quiet + a floor, answers every client, and gives its memory back", async () => {
    const pid = api.child.pid!;
    const atLimit = worstTestFilter(READ_ONLY_LIMIT);
    // Past the limit, as the old limit allowed: 8 MiB of elements (4 M zeros), answered 413 from its
    // Content-Length, unread.
    const overLimit = JSON.stringify({ query: TEST_FILTER, variables: { filter: {}, payload: { x: Array.from({ length: 4_000_000 }, () => 0) } } });
    expect(overLimit.length).toBeGreaterThan(8_000_000);
    // Warm-up: the first requests compile the code paths A and B use.
    const alone: number[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await call(api.origin, keyA, atLimit);
      expect(a.outcome).toBe('200 data');
      alone.push(a.ms);
      expect((await call(api.origin, keyB, VIEWER)).outcome).toBe('200 data');
    }
    // One of A's requests alone, warm (the median of 3); B may wait for 8 of them.
    const floor = 8 * alone.slice(1).sort((x, y) => x - y)[1]! + FLOOR_SLACK_MS;
    await sleep(2_000);
    const baseline = { ...memoryOf(pid), heap: await heapUsed(api.origin) };
    const quietSamples = await sampleB(api.origin, sleep(5_000));
    const quiet = Math.max(...quietSamples.map((sample) => sample.ms));

    /** 8 at once (6 at the limit, 2 far past it), for 10 rounds, while B samples. */
    async function heavyPhase() {
      const outcomes: string[] = [];
      const started = performance.now();
      const heavy = (async () => {
        for (let round = 0; round < 10; round++) {
          const batch = await Promise.all(Array.from({ length: 8 }, (_, i) => call(api.origin, keyA, i < 6 ? atLimit : overLimit)));
          outcomes.push(...batch.map((result) => result.outcome));
        }
      })();
      const during = await sampleB(api.origin, heavy);
      await heavy;
      const aMs = performance.now() - started;
      const peak = memoryOf(pid).peak;
      // Heap used is logged, not asserted: V8 leaves the requests' garbage until its next major
      // GC, which an idle process may not run for minutes (a heap snapshot's full GC brought it to
      // 40 MB, under the 55 MB baseline: nothing of A's requests stays live).
      await sleep(3_000);
      const heap = await heapUsed(api.origin);
      const tally = Object.fromEntries([...new Set(outcomes)].map((outcome) => [outcome, outcomes.filter((o) => o === outcome).length]));
      return { tally, during, worst: Math.max(...during.map((sample) => sample.ms)), aMs, peak, heap, rss: memoryOf(pid).rss };
    }

    const phases = [await heavyPhase(), await heavyPhase()];
    for (const [i, phase] of phases.entries()) {
      console.log(
        `phase ${i + 1}: A's ${phase.aMs.toFixed(0)} ms ${JSON.stringify(phase.tally)}; B quiet worst ${quiet.toFixed(0)} ms over ${quietSamples.length} (floor ${floor.toFixed(0)} ms), during ${phase.worst.toFixed(0)} ms over ${phase.during.length}; ` +
          `heap ${baseline.heap} -> ${phase.heap} MB after; RSS ${baseline.rss} MB -> peak ${phase.peak} MB -> ${phase.rss} MB after`,
      );
      expect(phase.tally).toEqual({ '200 data': 60, '413 PAYLOAD_TOO_LARGE': 20 });
      expect(phase.during.every((sample) => sample.outcome === '200 data')).toBe(true);
      expect(phase.during.length).toBeGreaterThanOrEqual(3);
      expect(phase.worst).toBeLessThanOrEqual(2 * quiet + floor);
      expect(phase.peak).toBeLessThanOrEqual(baseline.rss + RSS_MARGIN_MB);
      expect(phase.rss).toBeLessThanOrEqual(baseline.rss + RSS_MARGIN_MB);
    }
    // The second phase reuses what the first grew: nothing accumulates.
    expect(phases[1]!.rss).toBeLessThanOrEqual(phases[0]!.rss + RSS_REPEAT_MARGIN_MB);
  }, 170_000);
});

/**
 * The floor is what 8 of A's requests cost, measured alone in the same conditions, plus this: B's
 * request waits for whatever A's requests are doing on the event loop when it arrives (parsing and
 * counting 131,072 elements each, coercing them, evaluating the filter), up to 8 of them, on 2
 * cores shared with other work. Measured: 8 × 95–160 ms, B's worst 0.7–1.4 s.
 */
const FLOOR_SLACK_MS = 500;
/**
 * The process's RSS, at its peak and after, against its quiet baseline: 8 requests at once, each a
 * 320 KiB body and 131,072 parsed elements and their copies, and 8 MiB bodies refused unread
 * (measured +70 to +160 MB at the peak). V8 keeps the pages it grew once the garbage is collected,
 * so RSS after stays near the peak rather than the baseline; what matters is that it is bounded
 * (the old limits: 189 MB to 4.28 GB peak, 3.90 GB after) and that it does not grow every round.
 */
const RSS_MARGIN_MB = 256;
/** A second round of A's requests reuses the pages the first grew (measured: -60 to +18 MB). */
const RSS_REPEAT_MARGIN_MB = 64;

describe('2,000 half-sent requests (finding 7e)', () => {
  const ATTEMPTS = 2_000;
  /** Short (the default is 10 s), yet long enough that none of the held connections times out before 2,000 are open on 2 shared cores. */
  const HEADERS_TIMEOUT_MS = 4_000;
  /** Node checks the timeouts every quarter of the headers timeout, at most 1 s (api-server.ts). */
  const CHECK_INTERVAL_MS = Math.min(1_000, HEADERS_TIMEOUT_MS / 4);
  let api: HeraldProcess;
  beforeAll(async () => {
    api = await startHeraldProcess('api', { ...env, HERALD_HEADERS_TIMEOUT: `${HEADERS_TIMEOUT_MS}ms` });
  });
  afterAll(() => api?.kill());

  interface Held {
    socket: Socket;
    /** When it was asked for. */
    openedAt: number;
    /** Bytes the server sent (a 408 once the headers timeout closes it). */
    answer: string;
    closedAt: number | null;
  }

  /** A connection that sends a request line and one header, then nothing. */
  function halfSend(port: number): Promise<Held> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const held: Held = { socket, openedAt: performance.now(), answer: '', closedAt: null };
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (held.answer += chunk));
      socket.on('error', () => undefined); // a connection refused past the cap is reset
      socket.on('close', () => {
        held.closedAt = performance.now();
        resolve(held);
      });
      socket.on('connect', () => {
        socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n', () => resolve(held));
      });
    });
  }

  /** GET /health on a new connection each time (a kept-alive one would already hold a place). */
  function health(path = '/health'): Promise<number | string> {
    return new Promise((resolve) => {
      const request = httpGet(`${api.origin}${path}`, { agent: false, timeout: 500 }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  }

  it('answers connections past HERALD_MAX_CONNECTIONS at once (the probes too: /health 200, /ready 503) and closes the held ones by the headers timeout', async () => {
    expect(await health()).toBe(200);
    const connections: Held[] = [];
    const started = performance.now();
    // The cap's worth first, so that the cap is known to be full, then the rest.
    connections.push(...(await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => halfSend(api.port)))));
    const whileFull = { health: await health(), ready: await health('/ready') };
    connections.push(...(await Promise.all(Array.from({ length: ATTEMPTS - MAX_CONNECTIONS }, () => halfSend(api.port)))));
    const filled = performance.now();
    // Then until /health answers (bounded).
    const probes: Array<{ at: number; answer: number | string }> = [];
    while (performance.now() - filled < 10_000 && probes.at(-1)?.answer !== 200) {
      probes.push({ answer: await health(), at: performance.now() - filled });
      await sleep(50);
    }
    const allClosed = performance.now() + 10_000;
    while (performance.now() < allClosed && connections.some((held) => held.closedAt === null)) await sleep(100);
    for (const held of connections) held.socket.destroy();

    const timedOut = connections.filter((held) => held.answer.startsWith('HTTP/1.1 408'));
    // Past the cap: answered 503 (or, past the room left for probes, closed) as it arrives.
    const refused = connections.filter((held) => !held.answer.startsWith('HTTP/1.1 408') && held.closedAt !== null && held.closedAt - held.openedAt < HEADERS_TIMEOUT_MS / 2);
    const answered503 = refused.filter((held) => held.answer.startsWith('HTTP/1.1 503'));
    const lastClose = Math.max(...connections.map((held) => (held.closedAt ?? Infinity) - started));
    const firstHealthy = probes.find((probe) => probe.answer === 200);
    console.log(
      `${ATTEMPTS} half-sent in ${(filled - started).toFixed(0)} ms: ${timedOut.length} held then closed 408, ${refused.length} closed at once (${answered503.length} of them answered 503); ` +
        `last closed at ${lastClose.toFixed(0)} ms; /health while full: ${whileFull.health}, /ready ${whileFull.ready}; then: ${probes.map((probe) => `${probe.answer}@${probe.at.toFixed(0)}`).join(' ')}`,
    );
    // The cap's worth held, less the probes' own connections when they arrived under it.
    expect(timedOut.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(timedOut.length).toBeGreaterThanOrEqual(MAX_CONNECTIONS - 10);
    expect(refused.length + timedOut.length).toBe(ATTEMPTS);
    expect(lastClose).toBeLessThanOrEqual(filled - started + HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
    // A liveness probe is answered while the cap is full; readiness says the process is full.
    expect(whileFull).toEqual({ health: 200, ready: 503 });
    expect(firstHealthy?.at).toBeLessThanOrEqual(SLACK_MS);
    expect(await health()).toBe(200);
  }, 60_000);
});

/** Time for the test's own side on 2 shared cores: connecting, scheduling, the probe's round trip. */
const SLACK_MS = 1_500;
