// `npm run bench`: starts what it needs (a PostgreSQL, a receiver process, Herald's api and worker
// processes per run), runs the scenarios, prints a table and writes bench/results/<date>.json and
// .md. Loopback only; every loop is bounded in count and time.
//
//   npm run bench                         every scenario, 3 runs each (about 8 minutes on 2 cores)
//   npm run bench -- --quick              small sizes, 1 run: a smoke test of the benchmark itself
//   npm run bench -- --only latency,ceiling --runs 5   (writes <date>-latency-ceiling.json and .md)
//   npm run bench -- --only noisyNeighbour --runs 3    (org B's latency while org A does its worst)
//   BENCH_HISTORY_SIZES=100000,1000000 npm run bench -- --only historyGrowth   (reads as history grows)
//   npm run bench -- --only rollupCost --runs 3        (throughput with the stats rollups on and off)
//   npm run bench -- --only stack,throughput,latency --runs 1 --profile --processes 1x1,2x2
//     --profile: CPU profiles of the api while publishing alone, the worker while delivering alone
//     and the stack worker, summarized by layer; --processes: api×worker process layouts for
//     throughput, latency and retryStorm, side by side (default 1x1)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCeiling } from './scenarios/ceiling.ts';
import { runFilterCost } from './scenarios/filter-cost.ts';
import { runCostGrowth } from './scenarios/cost-growth.ts';
import { historySizes, runHistoryGrowth } from './scenarios/history-growth.ts';
import { runRollupCost } from './scenarios/rollup-cost.ts';
import { runLatency } from './scenarios/latency.ts';
import { runLiveStatus } from './scenarios/live-status.ts';
import { runNoisyNeighbour, summarizeNoisyNeighbour } from './scenarios/noisy-neighbour.ts';
import { PORTAL_BUDGETS, runPortal } from './scenarios/portal.ts';
import { HANGING_TIMEOUT, runRetryStorm, STORM_RETRY_SCHEDULE } from './scenarios/retry-storm.ts';
import { runPublishDeliver } from './scenarios/publish-deliver.ts';
import { runStackBacklog, runStackLatency } from './scenarios/stack.ts';
import { runThroughput } from './scenarios/throughput.ts';
import { renderMarkdown, renderTable } from './report.ts';
import { evaluateTargets, type LayoutFigures, type StackReference, type TargetRow } from './targets.ts';
import { startBenchCluster } from './support/cluster.ts';
import type { ProfileSummary } from './support/cpu-profile.ts';
import { layoutName, type Layout } from './support/herald.ts';
import { startBenchReceiver } from './support/receiver.ts';
import { median, medianRun, round } from './support/stats.ts';

const SCENARIOS = ['ceiling', 'stack', 'throughput', 'latency', 'retryStorm', 'slowReceiver', 'liveStatus', 'costGrowth', 'portal', 'filterCost', 'noisyNeighbour', 'historyGrowth', 'rollupCost'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    profile: { type: 'boolean', default: false },
    processes: { type: 'string', default: '1x1' },
  },
});
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 1 : 3));
const only = new Set((values.only?.split(',') ?? SCENARIOS) as Scenario[]);
for (const name of only) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; one of ${SCENARIOS.join(', ')}`);
const layouts: Layout[] = values.processes.split(',').map((text) => {
  const match = /^([1-4])x([1-4])$/.exec(text.trim());
  if (!match) throw new Error(`--processes takes layouts such as 1x1,2x2 (apis x workers, at most 4 each), not ${text}`);
  return { apis: Number(match[1]), workers: Number(match[2]) };
});
// Raw .cpuprofile files stay here (the results hold their summaries).
const profileRoot = values.profile ? mkdtempSync(join(tmpdir(), 'herald-bench-profiles-')) : null;
/** Where the first run of a phase writes its profiles (later runs, and other layouts, are not profiled). */
const profileDir = (name: string, run: number, layout?: Layout) => (profileRoot && run === 1 && (!layout || layout === layouts[0]) ? join(profileRoot, name) : undefined);
const profiles: ProfileSummary[] = [];
const targets: TargetRow[] = [];

const sizes = quick
  ? { ceiling: 2_000, stackJobs: 2_000, single: 2_000, fanOutEvents: 200, latencySeconds: 5, stormSeconds: 5, stormRate: 20, subscriptions: 200, liveSeconds: 5, small: 1_000, large: 20_000, samples: 30, portalLoads: 3, portalSeconds: 4, noisy: { quietSeconds: 5, bPerSecond: 10, silentEvents: 40, burstDeliveries: 1_000, deliveryTimeout: '5s' } }
  : { ceiling: 20_000, stackJobs: 20_000, single: 20_000, fanOutEvents: 2_000, latencySeconds: 30, stormSeconds: 20, stormRate: 50, subscriptions: 1_000, liveSeconds: 20, small: 10_000, large: 1_000_000, samples: 200, portalLoads: 7, portalSeconds: 10, noisy: { quietSeconds: 20, bPerSecond: 10, silentEvents: 100, burstDeliveries: 4_000, deliveryTimeout: '5s' } };

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function repeat<T>(name: string, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 1; i <= runs; i++) {
    log(`${name}: run ${i} of ${runs}`);
    results.push(await run(i));
  }
  return results;
}

/** A scenario that fails is reported as failed (with why) under `key`, and the others still run. */
async function scenario(name: Scenario, body: () => Promise<void>, key: string = name): Promise<void> {
  if (!only.has(name)) return;
  try {
    await body();
  } catch (error) {
    log(`${key} failed: ${String(error).split('\n')[0]}`);
    scenarios[key] = { failed: String(error).split('\n')[0] };
  }
}

/** A scenario's key in the results: its name, with `@2x2` for layouts other than 1 api + 1 worker. */
const keyOf = (name: string, layout: Layout) => (layout.apis === 1 && layout.workers === 1 ? name : `${name}@${layoutName(layout)}`);

const scenarios: Record<string, unknown> = {};
const startedAt = new Date();
log('starting PostgreSQL and the receiver process');
const cluster = await startBenchCluster();
const receiver = await startBenchReceiver();
try {
  let ceilingPerSecond = Number.NaN;
  if (only.has('ceiling') || only.has('throughput')) {
    const ceilings = await repeat('ceiling', () => measureCeiling(receiver, sizes.ceiling));
    ceilingPerSecond = round(median(ceilings.map((c) => c.requestsPerSecond)), 0);
    scenarios['ceiling'] = { requests: sizes.ceiling, ceilingPerSecond, runs: ceilings.map((c) => round(c.requestsPerSecond, 0)) };
  }

  // The two storms report alike: the median run, its healthy-endpoint latency, and loss in any run.
  const stormFigures = (all: Awaited<ReturnType<typeof runRetryStorm>>[], run: Awaited<ReturnType<typeof runRetryStorm>>) => ({
    ...run,
    drainSeconds: round(run.drainSeconds, 2),
    ...run.healthyDuringStorm,
    lostInAnyRun: Math.max(...all.map((r) => r.lost)),
    duplicatesInAnyRun: Math.max(...all.map((r) => r.duplicates)),
    runs: all.map((r) => ({ drainSeconds: round(r.drainSeconds, 2), lost: r.lost, duplicates: r.duplicates, ...r.healthyDuringStorm })),
  });

  // The stack reference first: the Herald figures after it are read as ratios to it.
  let stack: StackReference | null = null;
  await scenario('stack', async () => {
    const bare = await repeat(`stack backlog ${sizes.stackJobs}`, () => runStackBacklog(cluster, receiver, sizes.stackJobs, false));
    const withRow = await repeat(`stack backlog ${sizes.stackJobs} + attempt rows`, (i) => runStackBacklog(cluster, receiver, sizes.stackJobs, true, profileDir('stack', i)));
    const latency = await repeat('stack latency', () => runStackLatency(cluster, receiver, 200, sizes.latencySeconds));
    const backlog = (all: typeof bare) => {
      const run = medianRun(all, (r) => r.deliveriesPerSecond);
      return { deliveriesPerSecond: round(run.deliveriesPerSecond, 0), seconds: round(run.seconds, 2), lost: run.lost, duplicates: run.duplicates, workerPeakRssMb: run.workerPeakRssMb, runs: all.map((r) => round(r.deliveriesPerSecond, 0)) };
    };
    const lat = medianRun(latency, (r) => r.p99Ms);
    profiles.push(...withRow.flatMap((r) => r.profiles));
    scenarios['stack'] = { jobs: sizes.stackJobs, withoutAttemptRow: backlog(bare), withAttemptRow: backlog(withRow), latency: { ...lat, runs: latency.map((r) => ({ p50Ms: r.p50Ms, p99Ms: r.p99Ms })) } };
    stack = { deliveriesPerSecond: backlog(withRow).deliveriesPerSecond, p50Ms: lat.p50Ms, p99Ms: lat.p99Ms };
  });
  const toStack = (perSecond: number) => (stack ? round(perSecond / stack.deliveriesPerSecond, 3) : null);

  for (const layout of layouts) {
    const figures: LayoutFigures = { layout: layoutName(layout) };
    const peaks: Array<{ apiPeakRssMb: number; workerPeakRssMb: number }> = [];

    await scenario('throughput', async () => {
      const split = async (events: number, endpoints: number) => {
        const all = await repeat(`publishing alone, then delivering alone: ${events} × ${endpoints} (${layoutName(layout)})`, (i) => runPublishDeliver(cluster, receiver, events, endpoints, layout, profileDir(`${endpoints}-endpoints`, i, layout)));
        profiles.push(...all.flatMap((r) => r.profiles));
        peaks.push(...all);
        const publishing = medianRun(all, (r) => r.eventsPerSecond);
        const delivering = medianRun(all, (r) => r.deliveriesPerSecond);
        return {
          publishing: { events, endpoints, eventsPerSecond: round(publishing.eventsPerSecond, 0), deliveriesCreatedPerSecond: round(publishing.deliveriesCreatedPerSecond, 0), seconds: round(publishing.publishSeconds, 2), runs: all.map((r) => round(r.eventsPerSecond, 0)) },
          delivering: { deliveries: delivering.deliveries, deliveriesPerSecond: round(delivering.deliveriesPerSecond, 0), ratioToStack: toStack(delivering.deliveriesPerSecond), seconds: round(delivering.deliverSeconds, 2), lost: delivering.lost, duplicates: delivering.duplicates, runs: all.map((r) => round(r.deliveriesPerSecond, 0)) },
        };
      };
      const alone = [await split(sizes.single, 1), await split(sizes.fanOutEvents, 10)] as const;
      scenarios[keyOf('publishing', layout)] = { single: alone[0].publishing, fanOut: alone[1].publishing };
      scenarios[keyOf('delivering', layout)] = { single: alone[0].delivering, fanOut: alone[1].delivering };
      figures.publishEventsPerSecond = alone[0].publishing.eventsPerSecond;
      figures.deliveriesCreatedPerSecond = alone[1].publishing.deliveriesCreatedPerSecond;
      figures.deliveringAlone = [
        { what: `${sizes.single} × 1`, deliveriesPerSecond: alone[0].delivering.deliveriesPerSecond },
        { what: `${sizes.fanOutEvents} × 10`, deliveriesPerSecond: alone[1].delivering.deliveriesPerSecond },
      ];

      const single = await repeat(`throughput ${sizes.single} × 1 (${layoutName(layout)})`, () => runThroughput(cluster, receiver, sizes.single, 1, layout));
      const fanOut = await repeat(`throughput ${sizes.fanOutEvents} × 10 (${layoutName(layout)})`, () => runThroughput(cluster, receiver, sizes.fanOutEvents, 10, layout));
      peaks.push(...single, ...fanOut);
      const summarize = (all: typeof single) => {
        const run = medianRun(all, (r) => r.deliveriesPerSecond);
        return {
          events: run.events,
          endpoints: run.endpoints,
          deliveries: run.deliveries,
          deliveriesPerSecond: round(run.deliveriesPerSecond, 0),
          ratioToStack: toStack(run.deliveriesPerSecond),
          ceilingPerSecond,
          ratio: round(run.deliveriesPerSecond / ceilingPerSecond, 3),
          publishedEventsPerSecond: round(run.publishedPerSecond, 0),
          seconds: round(run.seconds, 2),
          lost: Math.max(...all.map((r) => r.lost)),
          duplicates: Math.max(...all.map((r) => r.duplicates)),
          runs: all.map((r) => round(r.deliveriesPerSecond, 0)),
        };
      };
      const together = [summarize(single), summarize(fanOut)] as const;
      figures.together = together.map((t) => ({ what: `${t.events} × ${t.endpoints}`, deliveriesPerSecond: t.deliveriesPerSecond }));
      const peakApi = Math.max(...peaks.map((r) => r.apiPeakRssMb));
      const peakWorker = Math.max(...peaks.map((r) => r.workerPeakRssMb));
      scenarios[keyOf('throughput', layout)] = { layout: layoutName(layout), ...together[0], fanOut: together[1], peakRssMb: Math.max(peakApi, peakWorker), apiPeakRssMb: peakApi, workerPeakRssMb: peakWorker };
      scenarios[keyOf('footprint', layout)] = { apiPeakRssMb: peakApi, workerPeakRssMb: peakWorker, peakRssMb: Math.max(peakApi, peakWorker), during: 'publishing alone, delivering alone and throughput' };
    }, keyOf('throughput', layout));

    await scenario('latency', async () => {
      const all = await repeat(`latency (${layoutName(layout)})`, () => runLatency(cluster, receiver, 200, sizes.latencySeconds, layout));
      const run = medianRun(all, (r) => r.p99Ms);
      figures.latency = { p50Ms: run.p50Ms, p99Ms: run.p99Ms };
      scenarios[keyOf('latency', layout)] = {
        layout: layoutName(layout),
        ...run,
        stack: stack ? { p50Ms: stack.p50Ms, p99Ms: stack.p99Ms } : null,
        lostInAnyRun: Math.max(...all.map((r) => r.lost)),
        runs: all.map((r) => ({ p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms, lost: r.lost, duplicates: r.duplicates })),
      };
    }, keyOf('latency', layout));

    await scenario('retryStorm', async () => {
      const all = await repeat(`retry storm (${layoutName(layout)})`, () => runRetryStorm(cluster, receiver, sizes.stormRate, sizes.stormSeconds, 'unavailable', layout));
      scenarios[keyOf('retryStorm', layout)] = { layout: layoutName(layout), ...stormFigures(all, medianRun(all, (r) => r.drainSeconds)), retrySchedule: STORM_RETRY_SCHEDULE };
    }, keyOf('retryStorm', layout));

    if (peaks.length > 0) figures.peakRssMb = { api: Math.max(...peaks.map((r) => r.apiPeakRssMb)), worker: Math.max(...peaks.map((r) => r.workerPeakRssMb)) };
    targets.push(...evaluateTargets(stack, figures));
  }

  await scenario('slowReceiver', async () => {
    const all = await repeat('slow receiver', () => runRetryStorm(cluster, receiver, sizes.stormRate, sizes.stormSeconds, 'hanging'));
    scenarios['slowReceiver'] = { ...stormFigures(all, medianRun(all, (r) => r.healthyDuringStorm.p99Ms)), deliveryTimeout: HANGING_TIMEOUT };
  });

  await scenario('liveStatus', async () => {
    const all = await repeat('live status', () => runLiveStatus(cluster, receiver, sizes.subscriptions, 200, sizes.liveSeconds));
    const run = medianRun(all, (r) => r.p99Ms);
    scenarios['liveStatus'] = { ...run, runs: all.map((r) => ({ p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms })) };
  });

  await scenario('costGrowth', async () => {
    log(`cost growth: ${sizes.small} then ${sizes.large} rows`);
    scenarios['costGrowth'] = await runCostGrowth(cluster, receiver, sizes.small, sizes.large, sizes.samples);
  });

  await scenario('historyGrowth', async () => {
    scenarios['historyGrowth'] = await runHistoryGrowth(cluster, receiver, historySizes(quick), log);
  });

  // --runs sets the turns (each one run with the rollups on and one with them off).
  await scenario('rollupCost', async () => {
    scenarios['rollupCost'] = await runRollupCost(cluster, receiver, sizes.single, runs, log);
  });

  await scenario('portal', async () => {
    const all = await repeat('portal', () => runPortal(cluster, receiver, { loads: sizes.portalLoads, rate: 50, seconds: sizes.portalSeconds }));
    // Each figure is the median over runs of that figure (the JS bytes are the same in every run).
    const mid = (key: (run: (typeof all)[number]) => number) => key(medianRun(all, key));
    scenarios['portal'] = {
      ...medianRun(all, (r) => r.p95Ms),
      jsGzipKb: mid((r) => r.jsGzipKb),
      jsRawKb: mid((r) => r.jsRawKb),
      interactiveMs: mid((r) => r.interactiveMs),
      liveUnseenInAnyRun: Math.max(...all.map((r) => r.liveUnseen)),
      budgets: PORTAL_BUDGETS,
      runs: all.map((r) => ({ jsGzipKb: r.jsGzipKb, interactiveMs: r.interactiveMs, interactiveRunsMs: r.interactiveRunsMs, p50Ms: r.p50Ms, p95Ms: r.p95Ms, liveUnseen: r.liveUnseen })),
    };
  });

  // Its modes take turns within one run (see the scenario), so --runs sets how many turns.
  await scenario('filterCost', async () => {
    scenarios['filterCost'] = await runFilterCost(cluster, quick ? 5 : 10 * runs);
  });

  await scenario('noisyNeighbour', async () => {
    const all = await repeat('noisy neighbour', () => runNoisyNeighbour(cluster, receiver, sizes.noisy));
    scenarios['noisyNeighbour'] = summarizeNoisyNeighbour(all, sizes.noisy);
  });
} finally {
  await receiver.stop();
  await cluster.stop();
}

const result = {
  startedAt: startedAt.toISOString(),
  durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 0),
  quick,
  runsPerScenario: runs,
  processes: layouts.map(layoutName),
  code: codeVersion(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    kernel: release(),
    node: process.version,
    database: cluster.description,
  },
  scenarios,
  targets,
  profiles,
  ...(profileRoot ? { profileFiles: profileRoot } : {}),
};
mkdirSync(values.out!, { recursive: true });
// A run of some scenarios (--only) is named after them, so it never overwrites a full run's results.
const subset = values.only ? `-${[...only].join('-')}` : '';
const stem = `${values.out}/${startedAt.toISOString().slice(0, 10)}${quick ? '-quick' : ''}${subset}`;
// The figures first: a report that fails to render can be rendered again from them.
writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(renderTable(result));
writeFileSync(`${stem}.md`, renderMarkdown(result));
log(`wrote ${stem}.json and ${stem}.md${profileRoot ? `; raw CPU profiles in ${profileRoot}` : ''}`);

/** The commit measured, and whether the working tree differed from it (a copy without git: unknown). */
function codeVersion(): { commit: string; uncommittedChanges: boolean | null } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short=12', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--', 'src', 'bench', 'prisma', 'package.json').length > 0 };
  } catch {
    return { commit: 'unknown', uncommittedChanges: null };
  }
}
