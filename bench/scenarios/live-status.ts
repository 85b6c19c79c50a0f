// Live status: many open graphql-ws subscriptions (each following one endpoint's deliveries, as a
// dashboard page does) while deliveries run at a steady rate. Latency is from the moment the
// attempt's response came back (its startedAt + durationMs, the worker's clock) to the moment a
// subscriber holds the SUCCEEDED status (this process's clock; same machine).
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { BenchCluster } from '../support/cluster.ts';
import { pollUntil, startBenchHerald, warmUp } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { latencySummary } from '../support/stats.ts';
import { steadyPublishing } from './latency.ts';
import { BENCH_METRICS_TOKEN } from '../support/processes.ts';

export interface LiveStatusRun {
  subscriptions: number;
  sockets: number;
  deliveriesPerSecond: number;
  seconds: number;
  notices: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

const ENDPOINTS = 100;
const SUBSCRIPTIONS_PER_SOCKET = 20;

interface Update {
  deliveryUpdated: { id: string; status: string; attempts: Array<{ startedAt: string; durationMs: number }> } | null;
}

export async function runLiveStatus(cluster: BenchCluster, receiver: BenchReceiver, subscriptions: number, rate: number, seconds: number): Promise<LiveStatusRun> {
  // 100 endpoints in one organization: above the default cap of 20, so the cap is raised; and every
  // subscription is one key's (the dashboards of one operator), so its per-key limits are raised too.
  const herald = await startBenchHerald(cluster, {
    env: {
      HERALD_MAX_ENDPOINTS_PER_ORG: String(ENDPOINTS),
      HERALD_MAX_SUBSCRIPTIONS_PER_KEY: String(subscriptions),
      HERALD_MAX_SOCKETS_PER_KEY: String(Math.ceil(subscriptions / SUBSCRIPTIONS_PER_SOCKET)),
    },
  });
  const clients: Client[] = [];
  const stops: Array<() => void> = [];
  try {
    const projects = Array.from({ length: ENDPOINTS }, (_, i) => `p${i}`);
    const endpointIds = await herald.createEndpoints(projects.map((_, i) => `${receiver.origin}/ok/${i}`), projects);
    await receiver.reset();

    const latencies: number[] = [];
    let notices = 0;
    const sockets = Math.ceil(subscriptions / SUBSCRIPTIONS_PER_SOCKET);
    for (let s = 0; s < sockets; s++) {
      clients.push(createClient({
        url: `${herald.api.origin.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${herald.apiKey}` },
        lazy: false,
        retryAttempts: 0,
      }));
    }
    for (let n = 0; n < subscriptions; n++) {
      const client = clients[n % sockets]!;
      stops.push(client.subscribe<Update>(
        {
          query: `subscription($filter: DeliveryUpdatedFilter) { deliveryUpdated(filter: $filter) { id status attempts { startedAt durationMs } } }`,
          variables: { filter: { endpointId: endpointIds[n % ENDPOINTS] } },
        },
        {
          next: ({ data }) => {
            const seenAt = Date.now();
            notices++;
            const delivery = data?.deliveryUpdated;
            const last = delivery?.attempts.at(-1);
            if (delivery?.status === 'SUCCEEDED' && last) latencies.push(seenAt - (Date.parse(last.startedAt) + last.durationMs));
          },
          error: (error) => console.error('live status: a subscription failed', error),
          complete: () => undefined,
        },
      ));
    }
    const open = await pollUntil(async () => (await openSubscriptions(herald.api.origin)) >= subscriptions, 60_000, 200);
    if (!open) throw new Error(`live status: only ${await openSubscriptions(herald.api.origin)} of ${subscriptions} subscriptions opened`);

    // Deliveries at `rate`, published 10 to a call: this scenario measures the subscriptions, so
    // the API's CPU is not spent on 200 separate publish calls a second.
    // Warm up with the subscriptions open (their re-reads warm up too), then count from zero.
    await warmUp(herald, async () => (await receiver.stats()).unique, { project: (n) => projects[n % ENDPOINTS]! });
    latencies.length = 0;
    notices = 0;
    const total = rate * seconds;
    const perCall = 10;
    await steadyPublishing(rate / perCall, total / perCall, (call) =>
      herald.publish(Array.from({ length: perCall }, (_, i) => ({ project: projects[(call * perCall + i) % ENDPOINTS]!, data: { seq: call * perCall + i } }))),
    );
    const perDelivery = subscriptions / ENDPOINTS;
    const heard = await pollUntil(async () => latencies.length >= total * perDelivery, 60_000, 100);
    if (!heard) throw new Error(`live status: ${latencies.length} of ${total * perDelivery} SUCCEEDED notices arrived`);
    return { subscriptions, sockets, deliveriesPerSecond: rate, seconds, notices, ...latencySummary(latencies) };
  } finally {
    for (const stop of stops) stop();
    await Promise.all(clients.map((client) => client.dispose()));
    await herald.stop();
  }
}

async function openSubscriptions(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text();
  return Number(text.match(/^herald_open_subscriptions(?:\{[^}]*\})? (\d+)/m)?.[1] ?? 0);
}
