// Throughput: N events × K endpoints published through GraphQL (publishEvents batches of 100, a
// few batches in flight), timed from the first publish until every delivery is SUCCEEDED.
import type { BenchCluster } from '../support/cluster.ts';
import { inParallel, pollUntil, startBenchHerald } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { nowMs } from '../support/stats.ts';

export interface ThroughputRun {
  events: number;
  endpoints: number;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  publishedPerSecond: number;
  duplicates: number;
  apiPeakRssMb: number;
  workerPeakRssMb: number;
}

const BATCH = 100;
const PUBLISHERS = 4;

export async function runThroughput(cluster: BenchCluster, receiver: BenchReceiver, events: number, endpoints: number): Promise<ThroughputRun> {
  const herald = await startBenchHerald(cluster);
  try {
    await herald.createEndpoints(Array.from({ length: endpoints }, (_, i) => `${receiver.origin}/ok/${i}`));
    await receiver.reset();
    const deliveries = events * endpoints;
    const started = nowMs();
    const batches = Array.from({ length: Math.ceil(events / BATCH) }, (_, b) => () =>
      herald.publish(Array.from({ length: Math.min(BATCH, events - b * BATCH) }, (_, i) => ({ data: { seq: b * BATCH + i } }))),
    );
    await inParallel(batches, PUBLISHERS);
    const published = nowMs();
    const done = await pollUntil(async () => ((await herald.statusCounts())['SUCCEEDED'] ?? 0) >= deliveries, 300_000);
    const finished = nowMs();
    if (!done) throw new Error(`throughput: not every delivery SUCCEEDED within 300 s: ${JSON.stringify(await herald.statusCounts())}`);
    const stats = await receiver.stats();
    if (stats.unique !== deliveries) throw new Error(`throughput: the receiver saw ${stats.unique} of ${deliveries} deliveries`);
    const seconds = (finished - started) / 1000;
    return {
      events,
      endpoints,
      deliveries,
      seconds,
      deliveriesPerSecond: deliveries / seconds,
      publishedPerSecond: events / ((published - started) / 1000),
      duplicates: stats.duplicates,
      apiPeakRssMb: herald.api.peakRssMb(),
      workerPeakRssMb: herald.worker!.peakRssMb(),
    };
  } finally {
    await herald.stop();
  }
}
