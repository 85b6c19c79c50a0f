// Load: 200 concurrent API clients mix queries and mutations for 30 s against a real port while
// the worker delivers what they publish. Every request must succeed (no masked fault, no pool
// exhaustion, no typed error where none is due); p50/p99 are reported, not asserted (speed is the
// benchmark's job).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';

const CLIENTS = 200;
const ORGANIZATIONS = 10;
const SECONDS = 30;

let herald: TestHerald;
let server: Awaited<ReturnType<TestHerald['listen']>>;
let receiver: Receiver;
const orgs: Array<{ key: string; endpointId: string }> = [];

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'load.event' } });
  server = await herald.listen();
  receiver = await startReceiver();
  for (let i = 0; i < ORGANIZATIONS; i++) {
    const { key } = await herald.organization(`load-${i}`);
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/o${i}`, eventTypes: ['load.event'] } }, key);
    orgs.push({ key, endpointId: created.data!.createEndpoint.endpoint.id });
  }
});
afterAll(async () => {
  await server.close();
  await receiver.close();
  await herald.close();
});

const OPERATIONS: Array<{ weight: number; query: string; variables: (org: { endpointId: string }, n: number) => Record<string, unknown>; expectTypename?: string }> = [
  { weight: 4, query: `query { deliveries(first: 20) { edges { node { id status attemptCount attempts { number responseStatus } } } pageInfo { hasNextPage } } }`, variables: () => ({}) },
  { weight: 2, query: `query { events(first: 20) { edges { node { id type payload } } } }`, variables: () => ({}) },
  { weight: 1, query: `query { endpoints(first: 10) { edges { node { id url active } } } }`, variables: () => ({}) },
  {
    weight: 2,
    query: `mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }`,
    variables: (_org, n) => ({ input: { type: 'load.event', payload: { n } } }),
    expectTypename: 'PublishEventPayload',
  },
  {
    weight: 1,
    query: `mutation($input: UpdateEndpointInput!) { updateEndpoint(input: $input) { __typename } }`,
    variables: (org, n) => ({ input: { id: org.endpointId, name: `renamed ${n}` } }),
    expectTypename: 'UpdateEndpointPayload',
  },
];
const WEIGHTED = OPERATIONS.flatMap((operation) => Array<typeof operation>(operation.weight).fill(operation));

it(`serves ${CLIENTS} concurrent clients for ${SECONDS} s without a single failed request`, async () => {
  const deadline = Date.now() + SECONDS * 1000;
  const timings: number[] = [];
  const failures: string[] = [];
  let n = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    const org = orgs[client % ORGANIZATIONS]!;
    while (Date.now() < deadline && failures.length < 10) {
      const operation = WEIGHTED[n++ % WEIGHTED.length]!;
      const started = performance.now();
      try {
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${org.key}` },
          body: JSON.stringify({ query: operation.query, variables: operation.variables(org, n) }),
        });
        const body = (await response.json()) as { data?: Record<string, { __typename?: string }>; errors?: unknown[] };
        timings.push(performance.now() - started);
        const typename = body.data ? Object.values(body.data)[0]?.__typename : undefined;
        if (response.status !== 200 || body.errors || (operation.expectTypename && typename !== operation.expectTypename)) {
          failures.push(`${response.status} ${JSON.stringify(body).slice(0, 300)}`);
        }
      } catch (error) {
        failures.push(String(error));
      }
    }
  }));
  const sorted = timings.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!.toFixed(1);
  console.info(`load: ${sorted.length} requests in ${SECONDS} s from ${CLIENTS} clients; p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);
  expect(failures).toEqual([]);
  expect(sorted.length).toBeGreaterThan(CLIENTS);
}, 120_000);
