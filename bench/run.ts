// `npm run bench`: starts what it needs (a PostgreSQL, a receiver process, Herald's api and worker
// processes per run), runs the scenarios, prints a table and writes bench/results/<date>.json and
// .md. Loopback only; every loop is bounded in count and time.
//
//   npm run bench                         every scenario, 3 runs each (about 8 minutes on 2 cores)
//   npm run bench -- --quick              small sizes, 1 run: a smoke test of the benchmark itself
//   npm run bench -- --only latency,ceiling --runs 5   (writes <date>-latency-ceiling.json and .md)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { measureCeiling } from './scenarios/ceiling.ts';
import { runFilterCost } from './scenarios/filter-cost.ts';
import { runCostGrowth } from './scenarios/cost-growth.ts';
import { runLatency } from './scenarios/latency.ts';
import { runLiveStatus } from './scenarios/live-status.ts';
import { PORTAL_BUDGETS, runPortal } from './scenarios/portal.ts';
import { HANGING_TIMEOUT, runRetryStorm, STORM_RETRY_SCHEDULE } from './scenarios/retry-storm.ts';
import { runThroughput } from './scenarios/throughput.ts';
import { renderMarkdown, renderTable } from './report.ts';
import { startBenchCluster } from './support/cluster.ts';
import { startBenchReceiver } from './support/receiver.ts';
import { median, medianRun, round } from './support/stats.ts';

const SCENARIOS = ['ceiling', 'throughput', 'latency', 'retryStorm', 'slowReceiver', 'liveStatus', 'costGrowth', 'portal', 'filterCost'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 1 : 3));
const only = new Set((values.only?.split(',') ?? SCENARIOS) as Scenario[]);
for (const name of only) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; one of ${SCENARIOS.join(', ')}`);

const sizes = quick
  ? { ceiling: 2_000, single: 2_000, fanOutEvents: 200, latencySeconds: 5, stormSeconds: 5, stormRate: 20, subscriptions: 200, liveSeconds: 5, small: 1_000, large: 20_000, samples: 30, portalLoads: 3, portalSeconds: 4 }
  : { ceiling: 20_000, single: 20_000, fanOutEvents: 2_000, latencySeconds: 30, stormSeconds: 20, stormRate: 50, subscriptions: 1_000, liveSeconds: 20, small: 10_000, large: 1_000_000, samples: 200, portalLoads: 7, portalSeconds: 10 };

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function repeat<T>(name: string, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 1; i <= runs; i++) {
    log(`${name}: run ${i} of ${runs}`);
    results.push(await run());
  }
  return results;
}

/** A scenario that fails is reported as failed (with why), and the others still run. */
async function scenario(name: Scenario, body: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return;
  try {
    await body();
  } catch (error) {
    log(`${name} failed: ${String(error).split('\n')[0]}`);
    scenarios[name] = { failed: String(error).split('\n')[0] };
  }
}

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

  await scenario('throughput', async () => {
    const single = await repeat(`throughput ${sizes.single} × 1`, () => runThroughput(cluster, receiver, sizes.single, 1));
    const fanOut = await repeat(`throughput ${sizes.fanOutEvents} × 10`, () => runThroughput(cluster, receiver, sizes.fanOutEvents, 10));
    const summarize = (all: typeof single) => {
      const run = medianRun(all, (r) => r.deliveriesPerSecond);
      return {
        events: run.events,
        endpoints: run.endpoints,
        deliveries: run.deliveries,
        deliveriesPerSecond: round(run.deliveriesPerSecond, 0),
        ceilingPerSecond,
        ratio: round(run.deliveriesPerSecond / ceilingPerSecond, 3),
        publishedEventsPerSecond: round(run.publishedPerSecond, 0),
        seconds: round(run.seconds, 2),
        duplicates: run.duplicates,
        runs: all.map((r) => round(r.deliveriesPerSecond, 0)),
      };
    };
    const peakApi = Math.max(...[...single, ...fanOut].map((r) => r.apiPeakRssMb));
    const peakWorker = Math.max(...[...single, ...fanOut].map((r) => r.workerPeakRssMb));
    scenarios['throughput'] = { ...summarize(single), fanOut: summarize(fanOut), peakRssMb: Math.max(peakApi, peakWorker), apiPeakRssMb: peakApi, workerPeakRssMb: peakWorker };
    scenarios['footprint'] = { apiPeakRssMb: peakApi, workerPeakRssMb: peakWorker, peakRssMb: Math.max(peakApi, peakWorker), during: 'throughput' };
  });

  await scenario('latency', async () => {
    const all = await repeat('latency', () => runLatency(cluster, receiver, 200, sizes.latencySeconds));
    const run = medianRun(all, (r) => r.p99Ms);
    scenarios['latency'] = { ...run, runs: all.map((r) => ({ p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms })) };
  });

  // The two storms report alike: the median run, its healthy-endpoint latency, and loss in any run.
  const stormFigures = (all: Awaited<ReturnType<typeof runRetryStorm>>[], run: Awaited<ReturnType<typeof runRetryStorm>>) => ({
    ...run,
    drainSeconds: round(run.drainSeconds, 2),
    ...run.healthyDuringStorm,
    lostInAnyRun: Math.max(...all.map((r) => r.lost)),
    runs: all.map((r) => ({ drainSeconds: round(r.drainSeconds, 2), lost: r.lost, ...r.healthyDuringStorm })),
  });

  await scenario('retryStorm', async () => {
    const all = await repeat('retry storm', () => runRetryStorm(cluster, receiver, sizes.stormRate, sizes.stormSeconds));
    scenarios['retryStorm'] = { ...stormFigures(all, medianRun(all, (r) => r.drainSeconds)), retrySchedule: STORM_RETRY_SCHEDULE };
  });

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
} finally {
  await receiver.stop();
  await cluster.stop();
}

const result = {
  startedAt: startedAt.toISOString(),
  durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 0),
  quick,
  runsPerScenario: runs,
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
};
console.log(renderTable(result));
mkdirSync(values.out!, { recursive: true });
// A run of some scenarios (--only) is named after them, so it never overwrites a full run's results.
const subset = values.only ? `-${[...only].join('-')}` : '';
const stem = `${values.out}/${startedAt.toISOString().slice(0, 10)}${quick ? '-quick' : ''}${subset}`;
writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${stem}.md`, renderMarkdown(result));
log(`wrote ${stem}.json and ${stem}.md`);

/** The commit measured, and whether the working tree differed from it (a copy without git: unknown). */
function codeVersion(): { commit: string; uncommittedChanges: boolean | null } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short=12', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--', 'src', 'bench', 'prisma', 'package.json').length > 0 };
  } catch {
    return { commit: 'unknown', uncommittedChanges: null };
  }
}
