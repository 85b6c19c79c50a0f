// De-risks issue 20, finding 1 within today's limits: organization A, with 18 endpoints whose
// filters are as costly as save allows (distinct, so no verdict is shared), publishes payloads of
// 256 KiB `{"x":[0,…]}` one at a time and three per call, first through filters that reach x (the
// call's filter budget runs out: LimitExceededError), then through filters that miss it (every
// endpoint receives: 72 deliveries of 256 KiB). Against real `herald api` and `herald worker`
// processes, while organization B sends a small request every 250 ms and publishes deliveries one
// after another: B's requests and B's deliveries stay within twice their quiet worst plus a small
// floor each, and A gets its answer in seconds.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FAST_QUEUE_ENV } from '../support/fast-queue-timings.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Added to twice B's quiet worst request. What A's calls hold the API's event loop for is bounded
 * and short (parsing A's 256 KiB bodies, the JSON checks, one JSON text of each payload, filters
 * yielding between them: one block of the event loop stayed under 30 ms in process, and B's worst
 * was 177 ms against 76 ms quiet in a run with no worker). What remains is the machine: the worker
 * delivering A's 72 payloads takes a core of the 2 this suite shares with other runs. Over six runs
 * B's worst request was 358–785 ms during A's worst against 89–373 ms quiet, at most 341 ms over
 * twice the quiet worst, its worst samples as often between A's calls (the API idle) as during
 * them. Before the filter budget, B waited 10.5 s (31.4 s behind three events).
 */
const FLOOR_MS = 750;
/** A's call answers within this, published or refused: measured 0.1–2.2 s; the finding's took 10.9 s (32 s for three). */
const A_CALL_MS = 5_000;
/**
 * Added to twice B's quiet worst delivery. B's delivery starts with a publish request, which A's
 * calls delay as they delay B's other requests (FLOOR_MS above); then it shares the worker with A's
 * 72 deliveries of 256 KiB, whose cost per batch is one parse and one envelope per event (not per
 * delivery, nor per row of the claim), a signature per delivery, and at most 512 KiB of that work
 * between two turns of the worker's event loop (src/worker/deliver-batch.ts). Over twelve runs B's
 * worst was 99–830 ms during A's against 35–226 ms quiet, at most 378 ms over twice the quiet worst
 * (the 830 ms on a loaded machine, B's small requests at 274 ms); in eight runs paired with them,
 * with a parse per claimed row and an envelope per delivery, 172–1,477 ms (quiet 64–192 ms), up
 * to 1,187 ms over, and 0.9–5.6 s on a busier machine. The floor fails that code when the machine
 * is loaded (2 of 9 runs), not when it is quiet (its excess 18–444 ms): a limit, not a detector.
 */
const DELIVERY_FLOOR_MS = 500;
/** B's probe: one small request per interval, for at most this many intervals per phase. */
const PROBE_INTERVAL_MS = 250;
const MAX_PROBES = 240;

const ENDPOINTS = 18;
const X_ELEMENTS = 131_055;

let database: TestDatabase;
let api: HeraldProcess;
let worker: HeraldProcess;
let aReceiver: Receiver;
let bReceiver: Receiver;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const { prisma } = database;
  await prisma.eventType.createMany({ data: [{ name: 'noisy.filtered' }, { name: 'quiet.ping' }] });
  const a = await createOrganization(prisma, { slug: 'noisy-a' });
  const b = await createOrganization(prisma, { slug: 'quiet-b' });
  keyA = (await createOrganizationKey(prisma, { organizationId: a.id })).token;
  keyB = (await createOrganizationKey(prisma, { organizationId: b.id })).token;
  aReceiver = await startReceiver();
  bReceiver = await startReceiver();
  const env = {
    DATABASE_URL: database.url,
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_MAX_ENDPOINTS_PER_ORG: String(ENDPOINTS + 2),
    HERALD_RETRY_SCHEDULE: '0s',
    ...FAST_QUEUE_ENV,
  };
  [api, worker] = await Promise.all([startHeraldProcess('api', env), startHeraldProcess('worker', env)]);
  for (let i = 0; i < ENDPOINTS; i++) await endpoint(keyA, `${aReceiver.url}/a-${i}`, 'noisy.filtered', reachingFilter(i));
  await endpoint(keyB, `${bReceiver.url}/b`, 'quiet.ping', null);
}, 120_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await Promise.all([aReceiver?.close(), bReceiver?.close()]);
  await database?.drop();
});

/**
 * The finding's filter over x ($in of 1,500 values, a set lookup each, so one comparison per element
 * of x), beside an $eq of 254 values on a field the payload lacks: 1 + 255 = 256 comparisons per
 * payload value, the most save allows, in 3.6 KB. `i` makes every filter distinct.
 */
function reachingFilter(i: number) {
  return { $or: [{ x: { $in: [1_000 + i, ...Array.from({ length: 1_499 }, (_, j) => j % 10)] } }, { y: { $eq: [i, ...new Array(253).fill(0)] } }] };
}

/** As costly at save, but over a field the payload lacks: evaluating it is free, and every endpoint receives. */
function missingFieldFilter(i: number) {
  return { $not: { y: { $eq: [i, ...new Array(254).fill(0)] } } };
}

// `any` on purpose: the test reads arbitrary GraphQL answers by name.
async function graphql(key: string, body: string): Promise<Record<string, any>> {
  const response = await fetch(`${api.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  return (await response.json()) as Record<string, any>;
}

const call = (key: string, query: string, variables: Record<string, unknown> = {}) => graphql(key, JSON.stringify({ query, variables }));

async function endpoint(key: string, url: string, type: string, filter: unknown) {
  const created = await call(key, 'mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on Error { message } } }', {
    input: { url, eventTypes: [type], filter },
  });
  expect(created.data?.createEndpoint).toEqual({ __typename: 'CreateEndpointPayload' });
}

const SMALL = JSON.stringify({ query: '{ endpoints(first: 1) { edges { node { id url } } } }' });

interface Sample {
  due: number;
  ms: number;
}

/**
 * B's small requests, one every PROBE_INTERVAL_MS until `done` settles. Each latency runs from the
 * moment the request was due, not sent, so a stalled loop in the test process counts too.
 */
async function probeB(done: Promise<unknown>): Promise<Sample[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const samples: Sample[] = [];
  const start = performance.now();
  for (let n = 0; !finished && n < MAX_PROBES; n++) {
    const due = start + n * PROBE_INTERVAL_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const answer = await graphql(keyB, SMALL);
    expect(answer.errors).toBeUndefined();
    samples.push({ due, ms: performance.now() - due });
  }
  return samples;
}

interface DeliveryOfB {
  /** From the publish call to its arrival at B's receiver. */
  ms: number;
  /** Of which the publish call (the API's share; the rest is the queue's and the worker's). */
  publishMs: number;
}

async function bDelivery(): Promise<DeliveryOfB> {
  const before = bReceiver.requests.length;
  const started = Date.now();
  const published = await call(keyB, 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }', { input: { type: 'quiet.ping', payload: { at: started } } });
  const publishMs = Date.now() - started;
  expect(published.data?.publishEvent.__typename).toBe('PublishEventPayload');
  const request = await waitFor(async () => bReceiver.requests[before], "B's delivery", 30_000);
  return { ms: request.receivedAt - started, publishMs };
}

/** B's deliveries one after another until `done` settles (at least one, at most 40). */
async function deliveriesOfB(done: Promise<unknown>): Promise<DeliveryOfB[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const latencies: DeliveryOfB[] = [];
  do latencies.push(await bDelivery());
  while (!finished && latencies.length < 40);
  return latencies;
}

const BIG_PAYLOAD_JSON = `{"x":[${new Array(X_ELEMENTS).fill('0').join(',')}]}`;
const PUBLISH_ONE = (payload: string) => `{"query":"mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on Error { message } ... on PublishEventPayload { deliveries { id } } } }","variables":{"input":{"type":"noisy.filtered","payload":${payload}}}}`;
const PUBLISH_THREE = (payload: string) =>
  `{"query":"mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename ... on Error { message } ... on PublishEventsPayload { results { deliveries { id } } } } }","variables":{"input":{"events":[${[0, 1, 2].map(() => `{"type":"noisy.filtered","payload":${payload}}`).join(',')}]}}}`;

interface Timed {
  name: string;
  from: number;
  ms: number;
  answer: string;
}

/** A's worst: each call timed, answered published or LimitExceededError. */
async function attackOfA(): Promise<Timed[]> {
  const timed: Timed[] = [];
  const run = async (name: string, body: string, field: 'publishEvent' | 'publishEvents') => {
    const started = performance.now();
    const answer = await graphql(keyA, body);
    timed.push({ name, from: started, ms: performance.now() - started, answer: answer.data?.[field]?.__typename ?? JSON.stringify(answer.errors) });
  };
  // The filters reach x: the call's budget is spent on the 8th endpoint, and the call refused.
  await run('publishEvent, filters over x', PUBLISH_ONE(BIG_PAYLOAD_JSON), 'publishEvent');
  await run('publishEvents of 3, filters over x', PUBLISH_THREE(BIG_PAYLOAD_JSON), 'publishEvents');
  // The filters miss x: every endpoint receives, so the payload is written, fanned out and delivered.
  for (let i = 0; i < ENDPOINTS; i++) await setFilter(i, missingFieldFilter(i));
  const delivered = aReceiver.requests.length;
  await run('publishEvent, filters that miss', PUBLISH_ONE(BIG_PAYLOAD_JSON), 'publishEvent');
  await run('publishEvents of 3, filters that miss', PUBLISH_THREE(BIG_PAYLOAD_JSON), 'publishEvents');
  await waitFor(async () => aReceiver.requests.length - delivered >= 4 * ENDPOINTS || null, "A's deliveries", 60_000);
  return timed;
}

let endpointIds: string[] = [];
async function setFilter(index: number, filter: unknown) {
  if (endpointIds.length === 0) {
    const listed = await call(keyA, `{ endpoints(first: ${ENDPOINTS}) { edges { node { id } } } }`);
    endpointIds = listed.data!.endpoints.edges.map((edge: { node: { id: string } }) => edge.node.id);
  }
  const updated = await call(keyA, 'mutation($input: UpdateEndpointInput!) { updateEndpoint(input: $input) { __typename ... on Error { message } } }', { input: { id: endpointIds[index], filter } });
  expect(updated.data?.updateEndpoint).toEqual({ __typename: 'UpdateEndpointPayload' });
}

it("keeps B's requests on time while A publishes 256 KiB payloads through 18 of the costliest filters", async () => {
  // Quiet first, in the same run: B alone, for as long as a probe phase of ~16 samples.
  await bDelivery(); // warm-up
  const quietDeliveries = deliveriesOfB(new Promise((resolve) => setTimeout(resolve, 4_000)));
  const quietProbes = await probeB(quietDeliveries);
  const quietDelivery = Math.max(...(await quietDeliveries).map((delivery) => delivery.ms));
  const quietRequest = Math.max(...quietProbes.map((sample) => sample.ms));

  const attack = attackOfA();
  const [probes, deliveries, calls] = await Promise.all([probeB(attack), deliveriesOfB(attack), attack]);
  const worstRequest = Math.max(...probes.map((sample) => sample.ms));
  const worstOfB = deliveries.reduce((worst, delivery) => (delivery.ms > worst.ms ? delivery : worst));
  const worstDelivery = worstOfB.ms;
  // Where B's worst requests fell: during one of A's calls (a request due just before one counts), or not.
  const during = (due: number) => calls.find((c) => due >= c.from - PROBE_INTERVAL_MS && due <= c.from + c.ms)?.name ?? 'no call of A';
  const worst = [...probes].sort((x, y) => y.ms - x.ms).slice(0, 3);
  console.log(
    `tenant filters: B's request quiet worst ${Math.round(quietRequest)} ms, during ${Math.round(worstRequest)} ms over ${probes.length}` +
      ` (worst: ${worst.map((sample) => `${Math.round(sample.ms)} ms in ${during(sample.due)}`).join(', ')});` +
      ` B's delivery quiet worst ${quietDelivery} ms, during ${worstDelivery} ms (its publish call ${worstOfB.publishMs} ms) over ${deliveries.length};` +
      ` A's calls ${calls.map((c) => `${c.name}: ${c.answer} in ${Math.round(c.ms)} ms`).join('; ')}`,
  );
  expect(calls.map((c) => c.answer)).toEqual(['LimitExceededError', 'LimitExceededError', 'PublishEventPayload', 'PublishEventsPayload']);
  for (const c of calls) expect(c.ms, c.name).toBeLessThan(A_CALL_MS);
  expect(worstRequest).toBeLessThanOrEqual(2 * quietRequest + FLOOR_MS);
  expect(worstDelivery).toBeLessThanOrEqual(2 * quietDelivery + DELIVERY_FLOOR_MS);
}, 150_000);
