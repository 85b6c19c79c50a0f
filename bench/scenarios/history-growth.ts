// History growth: each portal and SDK read (issue 30's list) timed as one organization's day of
// traffic grows from 100k to 1M to 10M deliveries (20 endpoints; an event and an attempt per
// delivery; 98% SUCCEEDED, 1.5% FAILED, 0.5% RETRYING), seeded by SQL over the last 24 hours
// (../support/seed-history.ts). Each read is the median of 7 sequential requests after 2 warm-ups;
// the result is each read's time at the top size beside its time at the smallest (machines here
// vary 2×, the ratio less). BENCH_HISTORY_SIZES sets the sizes (comma-separated).
import { seedHistory } from '../support/seed-history.ts';
import type { BenchCluster } from '../support/cluster.ts';
import { startBenchHerald, type BenchHerald } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { median, nowMs, round } from '../support/stats.ts';
import { encodeGlobalId } from '../../src/global-id.ts';

export interface HistoryGrowthResult {
  sizes: number[];
  /** Per read, its median ms at each size (in the order of `sizes`), and top / smallest. */
  reads: Record<string, { p50Ms: number[]; ratio: number }>;
  /** Seconds each size's seeding took (the rows added to reach it). */
  seedSeconds: number[];
  worstRatio: number;
  slowestTopMs: number;
}

const ENDPOINTS = 20;
const SAMPLES = 7;

const DELIVERY_PAGE = `query($first: Int, $after: String, $filter: DeliveryFilter) {
  deliveries(first: $first, after: $after, filter: $filter) {
    edges { node { id status attemptCount createdAt endpoint { id name } event { id type } attempts { number responseStatus } } }
    pageInfo { endCursor }
  }
}`;

export function historySizes(quick: boolean): number[] {
  const given = process.env['BENCH_HISTORY_SIZES'];
  if (given) return given.split(',').map((size) => Number(size.trim()));
  return quick ? [10_000, 100_000] : [100_000, 1_000_000, 10_000_000];
}

export async function runHistoryGrowth(cluster: BenchCluster, receiver: BenchReceiver, sizes: number[], log: (line: string) => void): Promise<HistoryGrowthResult> {
  const herald = await startBenchHerald(cluster, { worker: false });
  try {
    await herald.createEndpoints(Array.from({ length: ENDPOINTS }, (_, i) => `${receiver.origin}/ok/history-${i}`));
    const { rows } = await herald.sql.query<{ id: string; organization_id: string }>('SELECT id, organization_id FROM endpoints ORDER BY id');
    const organizationId = rows[0]!.organization_id;
    const endpointIds = rows.map((row) => row.id);
    const timings: Record<string, number[]> = {};
    const seedSeconds: number[] = [];
    let seeded = 0;
    for (const size of sizes) {
      const now = Date.now();
      const client = await herald.sql.connect();
      try {
        log(`history growth: seeding ${(size - seeded).toLocaleString('en')} deliveries to reach ${size.toLocaleString('en')}`);
        // Each size's rows over the same 24 hours, distinct by their salt.
        seedSeconds.push(round(await seedHistory(client, { organizationId, endpointIds, deliveries: size - seeded, fromMs: now - 86_400_000, toMs: now - 1_000, salt: `s${size}` }), 1));
      } finally {
        client.release();
      }
      // The first size's figures would carry the api process's warm-up (JIT, prepared plans): one
      // untimed pass over every read first.
      if (seeded === 0) await measureReads(herald, endpointIds);
      seeded = size;
      for (const [name, ms] of Object.entries(await measureReads(herald, endpointIds))) (timings[name] ??= []).push(ms);
    }
    const reads = Object.fromEntries(Object.entries(timings).map(([name, p50Ms]) => [name, { p50Ms, ratio: round(p50Ms.at(-1)! / p50Ms[0]!, 2) }]));
    return {
      sizes,
      reads,
      seedSeconds,
      worstRatio: Math.max(...Object.values(reads).map((read) => read.ratio)),
      slowestTopMs: Math.max(...Object.values(reads).map((read) => read.p50Ms.at(-1)!)),
    };
  } finally {
    await herald.stop();
  }
}

async function timed(herald: BenchHerald, query: string, variables: Record<string, unknown> = {}): Promise<number> {
  for (let i = 0; i < 2; i++) await herald.graphql(query, variables);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = nowMs();
    await herald.graphql(query, variables);
    samples.push(nowMs() - started);
  }
  return round(median(samples), 2);
}

async function measureReads(herald: BenchHerald, endpointIds: string[]): Promise<Record<string, number>> {
  const endpoint = encodeGlobalId('Endpoint', endpointIds[3]!);
  const { rows: [failed] } = await herald.sql.query<{ id: string; event_id: string }>(`SELECT id, event_id FROM deliveries WHERE status = 'FAILED' ORDER BY id DESC LIMIT 1 OFFSET 20`);
  // Page 11 of an endpoint: the cursor after ten pages of 50.
  let after: string | null = null;
  for (let page = 1; page < 11; page++) {
    const response: { deliveries: { pageInfo: { endCursor: string } } } = await herald.graphql(DELIVERY_PAGE, { first: 50, after, filter: { endpointId: endpoint } });
    after = response.deliveries.pageInfo.endCursor;
  }
  const stats = `query($hours: Int!) { endpoints(first: 20) { edges { node { id name stats(hours: $hours) { total succeeded failed successRate lastDeliveryAt } } } } }`;
  return {
    'deliveries(first: 50) with endpoint, event, attempts': await timed(herald, DELIVERY_PAGE, { first: 50 }),
    'deliveries(filter: { status: FAILED })': await timed(herald, DELIVERY_PAGE, { first: 50, filter: { status: 'FAILED' } }),
    'deliveries(filter: { endpointId, status: FAILED })': await timed(herald, DELIVERY_PAGE, { first: 50, filter: { endpointId: endpoint, status: 'FAILED' } }),
    'deliveries, page 11 of an endpoint': await timed(herald, DELIVERY_PAGE, { first: 50, after, filter: { endpointId: endpoint } }),
    "delivery(id) { attempts }": await timed(herald, `query($id: ID!) { delivery(id: $id) { id status attempts { number startedAt durationMs responseStatus } } }`, { id: encodeGlobalId('Delivery', failed!.id) }),
    'events(first: 50)': await timed(herald, `query { events(first: 50) { edges { node { id type createdAt } } } }`),
    'events(filter: { type })': await timed(herald, `query { events(first: 50, filter: { type: "order.created" }) { edges { node { id type createdAt } } } }`),
    'endpoints(first: 20) { stats }': await timed(herald, stats, { hours: 24 }),
    'endpoints(first: 20) { stats(hours: 720) }': await timed(herald, stats, { hours: 720 }),
    'eventTypes (the catalog)': await timed(herald, `query { eventTypes { name description } }`),
  };
}
