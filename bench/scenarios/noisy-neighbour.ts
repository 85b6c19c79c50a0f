// Noisy neighbour (issue 20, fair delivery): organization B publishes a steady trickle of events to
// its one endpoint while organization A does its worst within its limits, and B's publish→receipt
// latency (the receiver's clock) is compared to B's own quiet latency measured in the same run.
// Three phases on one Herald:
//   quiet   B alone.
//   silent  A publishes 100 events to 15 endpoints that never answer (1,500 attempts hanging for
//           the whole delivery timeout, past the 1,000 attempts one worker holds in flight).
//   burst   A's deliveries (4,000 by default: 400 events × 10 fast endpoints) all due at one
//           instant through deliverAt; B is sampled from that instant until A's last arrives.
// The sizes are test/faults/tenant-fairness.test.ts's two worst cases, with its 5 s timeout.
// B's samples are assigned to a phase by when they were published (their `sentAt`), so a late
// arrival counts against the phase that delayed it. Everything on 127.0.0.1, every loop bounded.
import { loadavg } from 'node:os';
import type { BenchCluster } from '../support/cluster.ts';
import { pollUntil, startBenchHerald, warmUp, type BenchHerald, type BenchOrganization } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { nowMs, percentile, round } from '../support/stats.ts';

export const SILENT_ENDPOINTS = 15;
export const BURST_ENDPOINTS = 10;
/** A's events per publishEvents call (the API's largest batch). */
const PER_CALL = 100;
/** No phase of A's is waited for longer than this; B's publisher stops at it too. */
const PHASE_LIMIT_MS = 180_000;

export interface NoisyNeighbourSizes {
  /** How long B is sampled alone. */
  quietSeconds: number;
  /** B's events per second (one publishEvents call each), in every phase. */
  bPerSecond: number;
  /** A's events to its silent endpoints (× 15 attempts). */
  silentEvents: number;
  /** A's deliveries due at one instant (a multiple of 10 endpoints × 100 events a call). */
  burstDeliveries: number;
  /** Herald's delivery timeout: how long each of A's silent attempts hangs. */
  deliveryTimeout: string;
}

export interface PhaseLatency {
  /** B's deliveries published in this phase (and arrived). */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** B's latency over one slice of a phase (by publish time), to see whether it grows through the phase. */
export interface PhaseSlice {
  /** The slice's start, seconds into the phase. */
  fromS: number;
  samples: number;
  p50Ms: number;
  maxMs: number;
  /** Burst only: A's burst deliveries that arrived during the slice. */
  aArrived?: number;
}

/** Each phase is cut into this many slices of equal time for its timeline. */
const SLICES = 5;

export interface NoisyNeighbourRun {
  quiet: PhaseLatency;
  silent: PhaseLatency & { attempts: number; seconds: number; timeline: PhaseSlice[] };
  burst: PhaseLatency & {
    timeline: PhaseSlice[];
    deliveries: number;
    /** A's burst from its due instant to its last arrival. */
    seconds: number;
    aDeliveriesPerSecond: number;
    /** false: A's publishing ran past the due instant, so the burst was not due at once. */
    publishedBeforeDue: boolean;
    /** How much of A's burst had arrived when B's first delivery of the phase did. */
    aArrivedBeforeBsFirst: number;
  };
  /** B's deliveries that never arrived (all phases). */
  bLost: number;
  /** The machine's 1-minute load average at the run's start and end (other work shares the cores). */
  loadAverage: [number, number];
}

export async function runNoisyNeighbour(cluster: BenchCluster, receiver: BenchReceiver, sizes: NoisyNeighbourSizes): Promise<NoisyNeighbourRun> {
  const loadAtStart = round(loadavg()[0]!, 1);
  const herald = await startBenchHerald(cluster, {
    env: {
      // One attempt each, so A's silent deliveries end (FAILED) after one timeout.
      HERALD_RETRY_SCHEDULE: '0s',
      HERALD_DELIVERY_TIMEOUT: sizes.deliveryTimeout,
      // A's silent endpoints must not be disabled mid-phase: that cancels deliveries by design.
      HERALD_DISABLE_AFTER_FAILURES: '1000000',
      HERALD_MAX_ENDPOINTS_PER_ORG: String(SILENT_ENDPOINTS + BURST_ENDPOINTS),
    },
  });
  try {
    // Organization A is the Herald's first organization; B gets its own key and receiver path.
    const a: BenchHerald = herald;
    const b = await herald.organization('quiet-b');
    await b.createEndpoints([`${receiver.origin}/b/0`]);
    // Projects keep A's two kinds of endpoints apart: an event goes only to its project's endpoints.
    await a.createEndpoints(Array.from({ length: SILENT_ENDPOINTS }, (_, i) => `${receiver.origin}/hang/a-${i}`), Array(SILENT_ENDPOINTS).fill('silent'));
    await a.createEndpoints(Array.from({ length: BURST_ENDPOINTS }, (_, i) => `${receiver.origin}/a-burst/${i}`), Array(BURST_ENDPOINTS).fill('burst'));
    await warmUp(b, async () => (await receiver.stats()).unique);
    await receiver.reset();
    /** A's deliveries in `status` to the endpoints at receiver paths under `path`. */
    const countOf = async (status: string, path: string) =>
      Number(
        (await herald.sql.query<{ count: string }>('SELECT count(*) FROM deliveries WHERE status = $1 AND endpoint_id IN (SELECT id FROM endpoints WHERE url LIKE $2)', [status, `${receiver.origin}${path}%`])).rows[0]!.count,
      );

    let bSent = 0;
    const publishB = async (phase: string) => {
      bSent++;
      await b.publish([{ data: { phase } }]);
    };

    const quietStart = nowMs();
    await steadyWhile(sizes.bPerSecond, async () => nowMs() - quietStart >= sizes.quietSeconds * 1000, () => publishB('quiet'));
    const quietEnd = nowMs();

    // Silent: /hang/ paths never answer while the receiver's storm is on (it outlasts the phase).
    await receiver.stormUntil(nowMs() + PHASE_LIMIT_MS + 60_000);
    const attempts = sizes.silentEvents * SILENT_ENDPOINTS;
    const silentStart = nowMs();
    const aSilent = publishInCalls(a, sizes.silentEvents, { project: 'silent' });
    const silentDone = await steadyWhile(sizes.bPerSecond, async () => (await countOf('FAILED', '/hang/')) >= attempts, () => publishB('silent'));
    await aSilent;
    const silentEnd = nowMs();
    await receiver.stormUntil(0);
    if (!silentDone) throw new Error(`noisy neighbour: A's ${attempts} silent attempts not ended within ${PHASE_LIMIT_MS / 1000} s`);

    // Burst: published ahead of its due instant (0.4 ms a delivery is about twice the API's pace here).
    const burstEvents = sizes.burstDeliveries / BURST_ENDPOINTS;
    const dueAt = nowMs() + 3_000 + 0.4 * sizes.burstDeliveries;
    await publishInCalls(a, burstEvents, { project: 'burst', deliverAt: new Date(dueAt).toISOString() });
    const publishedBeforeDue = nowMs() < dueAt;
    if (publishedBeforeDue) await new Promise((resolve) => setTimeout(resolve, dueAt - nowMs()));
    const burstStart = nowMs();
    const burstDone = await steadyWhile(sizes.bPerSecond, async () => (await countOf('SUCCEEDED', '/a-burst/')) >= sizes.burstDeliveries, () => publishB('burst'));
    const burstEnd = nowMs();
    if (!burstDone) throw new Error(`noisy neighbour: A's burst of ${sizes.burstDeliveries} not delivered within ${PHASE_LIMIT_MS / 1000} s`);

    // B's last deliveries may still be on their way.
    await pollUntil(async () => (await receiver.stats(true, '/b/')).samples.length >= bSent, 30_000, 100);
    const bSamples = (await receiver.stats(true, '/b/')).samples;
    const aArrivals = (await receiver.stats(true, '/a-burst/')).samples.map(([at]) => at).sort((x, y) => x - y);
    const phase = (from: number, to: number) => latencyOf(bSamples.filter(([at, latency]) => at - latency >= from && at - latency < to).map(([, latency]) => latency));
    const burst = phase(burstStart, burstEnd);
    const timeline = (from: number, to: number, arrivals?: number[]) =>
      Array.from({ length: SLICES }, (_, i): PhaseSlice => {
        const start = from + ((to - from) * i) / SLICES;
        const end = from + ((to - from) * (i + 1)) / SLICES;
        const { samples, p50Ms, maxMs } = phase(start, end);
        const slice: PhaseSlice = { fromS: round((start - from) / 1000, 1), samples, p50Ms, maxMs };
        if (arrivals) slice.aArrived = arrivals.filter((at) => at >= start && at < end).length;
        return slice;
      });
    const bFirstInBurst = Math.min(...bSamples.filter(([at, latency]) => at - latency >= burstStart).map(([at]) => at));
    const lastArrival = aArrivals.at(-1) ?? burstEnd;
    return {
      quiet: phase(quietStart, quietEnd),
      silent: { ...phase(silentStart, silentEnd), attempts, seconds: round((silentEnd - silentStart) / 1000, 1), timeline: timeline(silentStart, silentEnd) },
      burst: {
        ...burst,
        timeline: timeline(burstStart, burstEnd, aArrivals),
        deliveries: sizes.burstDeliveries,
        seconds: round((lastArrival - dueAt) / 1000, 2),
        aDeliveriesPerSecond: round(aArrivals.length / ((lastArrival - dueAt) / 1000), 0),
        publishedBeforeDue,
        aArrivedBeforeBsFirst: aArrivals.filter((at) => at < bFirstInBurst).length,
      },
      bLost: bSent - bSamples.length,
      loadAverage: [loadAtStart, round(loadavg()[0]!, 1)],
    };
  } finally {
    await herald.stop();
  }
}

function latencyOf(samplesMs: number[]): PhaseLatency {
  return {
    samples: samplesMs.length,
    p50Ms: round(percentile(samplesMs, 50)),
    p99Ms: round(percentile(samplesMs, 99)),
    maxMs: round(samplesMs.length ? Math.max(...samplesMs) : Number.NaN),
  };
}

/** A's `events` in publishEvents calls of 100, one after another. */
async function publishInCalls(org: BenchOrganization, events: number, event: { project: string; deliverAt?: string }): Promise<void> {
  for (let sent = 0; sent < events; sent += PER_CALL) {
    await org.publish(Array.from({ length: Math.min(PER_CALL, events - sent) }, (_, i) => ({ ...event, data: { seq: sent + i } })));
  }
}

/**
 * Starts `call` `rate` times a second on a fixed schedule (open loop: a slow answer does not delay
 * the next call) until `done` answers true (checked every 200 ms) or PHASE_LIMIT_MS passes; waits
 * for the calls started. Answers whether `done` was reached.
 */
async function steadyWhile(rate: number, done: () => Promise<boolean>, call: () => Promise<void>): Promise<boolean> {
  const started = nowMs();
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  let finished = false;
  let checkedAt = started;
  for (let seq = 0; seq < (rate * PHASE_LIMIT_MS) / 1000; seq++) {
    const wait = started + (seq * 1000) / rate - nowMs();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (nowMs() - checkedAt >= 200 || seq === 0) {
      checkedAt = nowMs();
      if (await done()) {
        finished = true;
        break;
      }
    }
    const running: Promise<void> = call()
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => pending.delete(running));
    pending.add(running);
    if (failure) break;
    if (pending.size > 200) throw new Error(`noisy neighbour: more than 200 of B's publish calls in flight`);
  }
  await Promise.all(pending);
  if (failure) throw failure;
  return finished || (await done());
}

/** Issue 20: another organization's deliveries stay within 2× their baseline. */
export const NOISY_NEIGHBOUR_TARGET_TIMES = 2;
/** docs/fairness.md's bound, the one the fault test holds: 2× quiet plus a fetch loop's worst wait. */
export const NOISY_NEIGHBOUR_FLOOR_MS = 4_000;

/**
 * The runs as the results show them: each phase's figures from the run whose p99 ÷ that run's quiet
 * p99 is the median (a ratio survives a machine twice as slow from one run to the next).
 */
export function summarizeNoisyNeighbour(all: NoisyNeighbourRun[], sizes: NoisyNeighbourSizes) {
  const ratio = (value: number, quiet: PhaseLatency) => round(value / quiet.p99Ms, 2);
  const during = (pick: (run: NoisyNeighbourRun) => PhaseLatency) => {
    const sorted = [...all].sort((x, y) => pick(x).p99Ms / x.quiet.p99Ms - pick(y).p99Ms / y.quiet.p99Ms);
    const run = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const figures = pick(run);
    return {
      run,
      figures: {
        ...figures,
        quietP99Ms: run.quiet.p99Ms,
        p99ToQuietP99: ratio(figures.p99Ms, run.quiet),
        p50ToQuietP99: ratio(figures.p50Ms, run.quiet),
        maxToQuietP99: ratio(figures.maxMs, run.quiet),
        withinDocumentedBound: figures.p99Ms <= NOISY_NEIGHBOUR_TARGET_TIMES * run.quiet.p99Ms + NOISY_NEIGHBOUR_FLOOR_MS,
      },
    };
  };
  const silent = during((r) => r.silent);
  const burst = during((r) => r.burst);
  const quiet = [...all].sort((x, y) => x.quiet.p99Ms - y.quiet.p99Ms)[Math.floor((all.length - 1) / 2)]!.quiet;
  return {
    bEventsPerSecond: sizes.bPerSecond,
    quiet,
    silent: { ...silent.figures, endpoints: SILENT_ENDPOINTS, attempts: silent.run.silent.attempts, deliveryTimeout: sizes.deliveryTimeout, seconds: silent.run.silent.seconds },
    burst: {
      ...burst.figures,
      endpoints: BURST_ENDPOINTS,
      deliveries: sizes.burstDeliveries,
      aDeliveriesPerSecond: burst.run.burst.aDeliveriesPerSecond,
      seconds: burst.run.burst.seconds,
      aArrivedBeforeBsFirst: burst.run.burst.aArrivedBeforeBsFirst,
      publishedBeforeDueInEveryRun: all.every((r) => r.burst.publishedBeforeDue),
    },
    target: { times: NOISY_NEIGHBOUR_TARGET_TIMES, documentedFloorMs: NOISY_NEIGHBOUR_FLOOR_MS },
    bLostInAnyRun: Math.max(...all.map((r) => r.bLost)),
    /** The lowest and highest 1-minute load average seen at any run's start or end. */
    loadAverage: [Math.min(...all.flatMap((r) => r.loadAverage)), Math.max(...all.flatMap((r) => r.loadAverage))],
    runs: all.map((r) => ({
      quiet: { p50Ms: r.quiet.p50Ms, p99Ms: r.quiet.p99Ms, samples: r.quiet.samples },
      silent: { p50Ms: r.silent.p50Ms, p99Ms: r.silent.p99Ms, maxMs: r.silent.maxMs, samples: r.silent.samples, p99ToQuietP99: ratio(r.silent.p99Ms, r.quiet), seconds: r.silent.seconds },
      burst: { p50Ms: r.burst.p50Ms, p99Ms: r.burst.p99Ms, maxMs: r.burst.maxMs, samples: r.burst.samples, p99ToQuietP99: ratio(r.burst.p99Ms, r.quiet), aDeliveriesPerSecond: r.burst.aDeliveriesPerSecond, seconds: r.burst.seconds, aArrivedBeforeBsFirst: r.burst.aArrivedBeforeBsFirst },
      bLost: r.bLost,
      loadAverage: r.loadAverage,
    })),
  };
}
