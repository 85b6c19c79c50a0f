// De-risks fairness across organizations (issue 20, findings 3 and 4): organization A's silent
// receivers, and A's burst of deliveries due at one instant, delay organization B's deliveries by
// at most twice B's quiet latency plus a small floor, measured at B's receiver.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishEvent, publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

// Silent attempts time out after this: long enough that a worker that waits for them shows it.
const TIMEOUT_MS = 5_000;
/**
 * B's job goes first in the queue, but is fetched by the first free fetch loop: while A's attempts
 * are being admitted, each of the four loops may be waiting out one batch's patience
 * (BATCH_PATIENCE_MS, 500 ms) for A's silent attempts, then its claim, watchdog and record
 * transactions, on a machine shared with other work (measured up to 2.7 s in the whole fault suite
 * on 2 cores). The original code made B wait the whole timeout (16.9 s), or the whole burst.
 */
const FLOOR_MS = 4_000;

let herald: TestHerald;
let silent: Receiver;
let fast: Receiver;
let bReceiver: Receiver;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, deliveryTimeoutMs: TIMEOUT_MS, retryScheduleMs: [0], disableAfterFailures: 1_000, maxEndpointsPerOrg: 50 }, { worker: true });
  silent = await startReceiver(() => undefined);
  fast = await startReceiver();
  bReceiver = await startReceiver();
  await herald.db.eventType.createMany({ data: [{ name: 'noisy.silent' }, { name: 'noisy.burst' }, { name: 'quiet.ping' }] });
  keyA = (await herald.organization('noisy-a')).key;
  keyB = (await herald.organization('quiet-b')).key;
  for (let i = 0; i < 15; i++) await endpoint(keyA, `${silent.url}/silent-${i}`, 'noisy.silent');
  for (let i = 0; i < 10; i++) await endpoint(keyA, `${fast.url}/burst-${i}`, 'noisy.burst');
  await endpoint(keyB, `${bReceiver.url}/b`, 'quiet.ping');
});
afterAll(async () => {
  await herald.close();
  await Promise.all([silent.close(), fast.close(), bReceiver.close()]);
});

async function endpoint(key: string, url: string, type: string) {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url, eventTypes: [type] } }, key);
  expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
}

/** One delivery of B's, from the publish call to its arrival at B's receiver (ms). */
async function bLatency(): Promise<number> {
  const before = bReceiver.requests.length;
  const started = Date.now();
  await publishEvent(withKey(herald, keyB), { type: 'quiet.ping', payload: { at: started } });
  const request = await waitFor(async () => bReceiver.requests[before], "B's delivery", 20_000);
  return request.receivedAt - started;
}

/** B's worst latency over `count` deliveries, one after another. */
async function worstOf(count: number): Promise<number> {
  let worst = 0;
  for (let i = 0; i < count; i++) worst = Math.max(worst, await bLatency());
  return worst;
}

let quiet: number;

it("measures B's quiet latency", async () => {
  await worstOf(3); // warm-up
  quiet = await worstOf(10);
  expect(quiet).toBeLessThan(2_000);
});

it("keeps B's deliveries on time while A's 1,500 attempts hang at silent receivers (past the old per-worker cap of 1,000)", async () => {
  const events = Array.from({ length: 100 }, (_, i) => ({ type: 'noisy.silent', payload: { i } }));
  await publishEvents(withKey(herald, keyA), events);
  // Sampled over one timeout and a half: while A's attempts are admitted, hang, and are held.
  const deadline = Date.now() + TIMEOUT_MS * 1.5;
  const samples: number[] = [];
  while (Date.now() < deadline && samples.length < 60) samples.push(await bLatency());
  console.log(`silent receivers: B quiet worst ${quiet} ms, during ${Math.max(...samples)} ms over ${samples.length} deliveries`);
  expect(Math.max(...samples)).toBeLessThanOrEqual(2 * quiet + FLOOR_MS);
  // A's attempts all end (timed out) once B is done: held ones were re-queued, not lost.
  await waitFor(async () => (await herald.db.delivery.count({ where: { status: 'FAILED' } })) === 1_500 || null, "A's 1,500 attempts to end", 60_000);
}, 90_000);

it("sends B's delivery ahead of A's 4,000 deliveries due at the same instant", async () => {
  const dueAt = new Date(Date.now() + 3_000);
  const events = Array.from({ length: 100 }, (_, i) => ({ type: 'noisy.burst', payload: { i }, deliverAt: dueAt.toISOString() }));
  for (let call = 0; call < 4; call++) await publishEvents(withKey(herald, keyA), events);
  const fastBefore = fast.requests.length;
  await waitFor(async () => fast.requests.length > fastBefore || null, "A's burst to start", 20_000);
  const during = await worstOf(3);
  const sentOfBurst = fast.requests.length - fastBefore;
  console.log(`due burst: B quiet worst ${quiet} ms, during ${during} ms (A's burst ${sentOfBurst} of 4,000 sent when B was done)`);
  // B was measured while the burst was still being delivered.
  expect(sentOfBurst).toBeLessThan(4_000);
  expect(during).toBeLessThanOrEqual(2 * quiet + FLOOR_MS);
  await waitFor(async () => fast.requests.length - fastBefore >= 4_000 || null, "A's burst to arrive", 60_000);
}, 90_000);
