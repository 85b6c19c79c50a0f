// Throughput, publishing and delivering together: N events × K endpoints published through GraphQL
// (publishEvents batches of 100, 4 in flight, spread over the api processes), timed from the first
// publish until every delivery is SUCCEEDED.
import type { BenchCluster } from '../support/cluster.ts';
import { pollUntil, startBenchHerald, type BenchHerald, type Layout } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { nowMs } from '../support/stats.ts';
import { publishAll } from './publish-deliver.ts';

export interface ThroughputRun {
  events: number;
  endpoints: number;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  publishedPerSecond: number;
  lost: number;
  duplicates: number;
  apiPeakRssMb: number;
  workerPeakRssMb: number;
}

/** `prepare` runs on the fresh database before the first publish (e.g. to turn a feature off for a comparison). */
export async function runThroughput(
  cluster: BenchCluster,
  receiver: BenchReceiver,
  events: number,
  endpoints: number,
  layout: Layout = { apis: 1, workers: 1 },
  prepare?: (herald: BenchHerald) => Promise<void>,
): Promise<ThroughputRun> {
  const herald = await startBenchHerald(cluster, layout);
  try {
    await herald.createEndpoints(Array.from({ length: endpoints }, (_, i) => `${receiver.origin}/ok/${i}`));
    await prepare?.(herald);
    await receiver.reset();
    const deliveries = events * endpoints;
    const started = nowMs();
    await publishAll(herald, events);
    const published = nowMs();
    const done = await pollUntil(async () => ((await herald.statusCounts())['SUCCEEDED'] ?? 0) >= deliveries, 300_000);
    const finished = nowMs();
    if (!done) throw new Error(`throughput: not every delivery SUCCEEDED within 300 s: ${JSON.stringify(await herald.statusCounts())}`);
    const stats = await receiver.stats();
    const seconds = (finished - started) / 1000;
    const peak = herald.peakRssMb();
    return {
      events,
      endpoints,
      deliveries,
      seconds,
      deliveriesPerSecond: deliveries / seconds,
      publishedPerSecond: events / ((published - started) / 1000),
      lost: deliveries - stats.unique,
      duplicates: stats.duplicates,
      apiPeakRssMb: peak.api,
      workerPeakRssMb: peak.worker,
    };
  } finally {
    await herald.stop();
  }
}
