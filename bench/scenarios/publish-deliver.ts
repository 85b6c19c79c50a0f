// Throughput taken apart: publishing alone (api processes up, no worker: publishEvents of 100,
// 4 calls in flight → events/s and deliveries created/s), then delivering alone (worker processes
// started on that backlog → deliveries/s, from the first receipt until every delivery is
// SUCCEEDED, as the stack reference is timed). With `profileDir`, the api runs under --cpu-prof
// and its profile is cut to the publishing; the worker's to the delivering.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCluster } from '../support/cluster.ts';
import { monotonicUs, profileIn, summarizeProfile, type ProfileSummary } from '../support/cpu-profile.ts';
import { inParallel, pollUntil, startBenchHerald, type BenchHerald, type Layout } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { nowMs } from '../support/stats.ts';

export interface PublishDeliverRun {
  events: number;
  endpoints: number;
  /** Published before the measured events (and delivered with them). */
  warmUpEvents: number;
  publishSeconds: number;
  eventsPerSecond: number;
  deliveriesCreatedPerSecond: number;
  deliveries: number;
  deliverSeconds: number;
  deliveriesPerSecond: number;
  lost: number;
  duplicates: number;
  apiPeakRssMb: number;
  workerPeakRssMb: number;
  profiles: ProfileSummary[];
}

const BATCH = 100;
const PUBLISHERS = 4;
/** Per api process: enough to warm the publish path, few enough to stay a small share of the backlog. */
const WARM_UP_CALLS = 2;
const WARM_UP_EVENTS = 25;

export async function runPublishDeliver(cluster: BenchCluster, receiver: BenchReceiver, events: number, endpoints: number, layout: Layout, profileDir?: string): Promise<PublishDeliverRun> {
  const profileArgs = (name: string) => {
    if (!profileDir) return [];
    mkdirSync(join(profileDir, name), { recursive: true });
    return ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`];
  };
  const herald = await startBenchHerald(cluster, { workers: 0, apis: layout.apis, apiNodeArgs: profileArgs('api') });
  let run: PublishDeliverRun;
  let windows: { publish: [number, number]; deliver: [number, number] };
  try {
    await herald.createEndpoints(Array.from({ length: endpoints }, (_, i) => `${receiver.origin}/ok/${i}`));
    // A fresh api's first calls measure the JIT and Prisma's caches; a few calls first.
    for (let call = 0; call < WARM_UP_CALLS * layout.apis; call++) await herald.publish(Array.from({ length: WARM_UP_EVENTS }, (_, i) => ({ data: { warmUp: call * WARM_UP_EVENTS + i } })));
    const warmUpEvents = WARM_UP_CALLS * layout.apis * WARM_UP_EVENTS;
    const publishStarted = nowMs();
    await publishAll(herald, events);
    const published = nowMs();
    const deliveries = (events + warmUpEvents) * endpoints;
    const created = await herald.statusCounts();
    if ((created['PENDING'] ?? 0) !== deliveries) throw new Error(`publishing alone: ${JSON.stringify(created)} where ${deliveries} PENDING deliveries were expected`);
    const apiPeakRssMb = herald.peakRssMb().api;

    await receiver.reset();
    await herald.startWorkers(layout.workers, profileArgs('worker'));
    const done = await pollUntil(async () => ((await herald.statusCounts())['SUCCEEDED'] ?? 0) >= deliveries, 300_000);
    const delivered = nowMs();
    if (!done) throw new Error(`delivering alone: not every delivery SUCCEEDED within 300 s: ${JSON.stringify(await herald.statusCounts())}`);
    const stats = await receiver.stats();
    const publishSeconds = (published - publishStarted) / 1000;
    const deliverSeconds = (delivered - stats.firstAtMs) / 1000;
    windows = { publish: [publishStarted, published], deliver: [stats.firstAtMs, delivered] };
    run = {
      events,
      endpoints,
      warmUpEvents,
      publishSeconds,
      eventsPerSecond: events / publishSeconds,
      deliveriesCreatedPerSecond: (events * endpoints) / publishSeconds,
      deliveries,
      deliverSeconds,
      deliveriesPerSecond: deliveries / deliverSeconds,
      lost: deliveries - stats.unique,
      duplicates: stats.duplicates,
      apiPeakRssMb,
      workerPeakRssMb: herald.peakRssMb().worker,
      profiles: [],
    };
  } finally {
    // Each profile is written when its process exits.
    await herald.stop();
  }
  if (profileDir) {
    for (const [name, phase, [from, to]] of [['api', 'publishing alone', windows.publish], ['worker', 'delivering alone', windows.deliver]] as const) {
      const file = profileIn(join(profileDir, name));
      const label = `herald ${name} during ${phase} (${events} events × ${endpoints}, ${layout.apis}×${layout.workers})`;
      if (file) run.profiles.push(summarizeProfile(file, label, { fromUs: monotonicUs(from), toUs: monotonicUs(to) }));
    }
  }
  return run;
}

/** `events` in publishEvents calls of 100, 4 calls in flight. */
export async function publishAll(herald: BenchHerald, events: number): Promise<void> {
  const batches = Array.from({ length: Math.ceil(events / BATCH) }, (_, b) => () =>
    herald.publish(Array.from({ length: Math.min(BATCH, events - b * BATCH) }, (_, i) => ({ data: { seq: b * BATCH + i } }))),
  );
  await inParallel(batches, PUBLISHERS);
}
