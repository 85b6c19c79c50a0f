// Retry storm: half the endpoints answer 503 for a while, then recover. Measures the time from
// recovery until every delivery has SUCCEEDED, that none is lost (receiver and database agree),
// and the healthy endpoints' publish→receipt latency while the storm is on.
// The hanging variant: one endpoint in ten stops answering instead (every attempt to it lasts
// Herald's whole delivery timeout), the case where one slow customer could hold up the others.
import type { BenchCluster } from '../support/cluster.ts';
import { pollUntil, startBenchHerald, warmUp, type Layout } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { latencySummary, nowMs } from '../support/stats.ts';
import { steadyPublishing } from './latency.ts';

/** Short steps so a storm of seconds drains in seconds; 8 attempts outlast a 20 s storm. */
export const STORM_RETRY_SCHEDULE = '0s,1s,2s,4s,8s,8s,8s,8s';

export interface RetryStormRun {
  endpoints: number;
  failingEndpoints: number;
  deliveries: number;
  stormSeconds: number;
  drainSeconds: number;
  lost: number;
  duplicates: number;
  healthyDuringStorm: { p50Ms: number; p95Ms: number; p99Ms: number };
}

export type StormKind = 'unavailable' | 'hanging';

/** Herald's delivery timeout in the hanging variant: attempts to the silent endpoint last this long. */
export const HANGING_TIMEOUT = '10s';

export async function runRetryStorm(cluster: BenchCluster, receiver: BenchReceiver, eventsPerSecond: number, stormSeconds: number, kind: StormKind = 'unavailable', layout: Layout = { apis: 1, workers: 1 }): Promise<RetryStormRun> {
  // Failing endpoints must not be auto-disabled mid-storm: that cancels deliveries by design,
  // which is not what this scenario measures.
  const env: Record<string, string> = { HERALD_RETRY_SCHEDULE: STORM_RETRY_SCHEDULE, HERALD_DISABLE_AFTER_FAILURES: '1000000' };
  if (kind === 'hanging') env['HERALD_DELIVERY_TIMEOUT'] = HANGING_TIMEOUT;
  const herald = await startBenchHerald(cluster, { env, ...layout });
  try {
    const endpoints = 10;
    const failing = (i: number) => (kind === 'unavailable' ? i % 2 === 0 : i === 0);
    await herald.createEndpoints(Array.from({ length: endpoints }, (_, i) => `${receiver.origin}/${failing(i) ? (kind === 'unavailable' ? 'fail' : 'hang') : 'ok'}/${i}`));
    await warmUp(herald, async () => (await receiver.stats()).unique, { events: 60, endpointsPerEvent: endpoints });
    await receiver.reset();
    const stormStarted = nowMs();
    const stormEnds = stormStarted + stormSeconds * 1000;
    await receiver.stormUntil(stormEnds);
    const events = eventsPerSecond * stormSeconds;
    await steadyPublishing(eventsPerSecond, events, (seq) => herald.publish([{ data: { seq } }]));
    const deliveries = events * endpoints;
    // The warm-up's deliveries (60 events × 10 endpoints) are SUCCEEDED too.
    const done = await pollUntil(async () => ((await herald.statusCounts())['SUCCEEDED'] ?? 0) >= deliveries + 600, 180_000, 100);
    const drained = nowMs();
    const counts = await herald.statusCounts();
    if (!done) throw new Error(`retry storm: not drained within 180 s: ${JSON.stringify(counts)}`);
    const stats = await receiver.stats(true);
    const healthy = stats.samples.filter(([at, , ok]) => ok === 1 && at <= stormEnds).map(([, latency]) => latency);
    return {
      endpoints,
      failingEndpoints: Array.from({ length: endpoints }, (_, i) => i).filter(failing).length,
      deliveries,
      stormSeconds,
      drainSeconds: (drained - stormEnds) / 1000,
      lost: deliveries - stats.unique,
      duplicates: stats.duplicates,
      healthyDuringStorm: latencySummary(healthy),
    };
  } finally {
    await herald.stop();
  }
}
