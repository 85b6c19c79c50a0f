// Latency: a steady rate of publishEvent calls (open loop: each call starts on schedule whether or
// not the previous one has answered) for a fixed time; publish→receipt measured per delivery from
// the call's start (stamped in the payload) to the receiver's clock on the same machine.
import type { BenchCluster } from '../support/cluster.ts';
import { pollUntil, startBenchHerald, warmUp, type Layout } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { latencySummary, nowMs } from '../support/stats.ts';

export interface LatencyRun {
  eventsPerSecond: number;
  seconds: number;
  delivered: number;
  lost: number;
  duplicates: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxInFlight: number;
  /** How long the publishEvents calls took (the API's share of the latency). */
  publishP50Ms: number;
  publishP99Ms: number;
}

export async function runLatency(cluster: BenchCluster, receiver: BenchReceiver, rate: number, seconds: number, layout: Layout = { apis: 1, workers: 1 }): Promise<LatencyRun> {
  const herald = await startBenchHerald(cluster, layout);
  try {
    await herald.createEndpoints([`${receiver.origin}/ok/latency`]);
    await warmUp(herald, async () => (await receiver.stats()).unique);
    await receiver.reset();
    // 200 events/s as 20 publishEvents calls a second of 10 events each: on this 2-core machine one
    // API process answers about 110 single-event publishEvent calls a second (see the README), so
    // 200 separate calls would measure the API's queue, not the delivery path.
    const total = rate * seconds;
    const perCall = 10;
    const callMs: number[] = [];
    const calls = await steadyPublishing(rate / perCall, total / perCall, async (call) => {
      const started = nowMs();
      await herald.publish(Array.from({ length: perCall }, (_, i) => ({ data: { seq: call * perCall + i } })));
      callMs.push(nowMs() - started);
    });
    // Waits for every delivery to arrive; what has not after 120 s is counted lost.
    await pollUntil(async () => (await receiver.stats()).unique >= total, 120_000, 100);
    const { samples, unique, duplicates } = await receiver.stats(true);
    const publish = latencySummary(callMs);
    return {
      eventsPerSecond: rate,
      seconds,
      delivered: samples.length,
      lost: total - unique,
      duplicates,
      ...latencySummary(samples.map(([, latency]) => latency)),
      maxInFlight: calls.maxInFlight,
      publishP50Ms: publish.p50Ms,
      publishP99Ms: publish.p99Ms,
    };
  } finally {
    await herald.stop();
  }
}

/** Starts `call(i)` at `rate` per second on a fixed schedule; resolves when every call has finished. */
export async function steadyPublishing(rate: number, total: number, call: (seq: number) => Promise<void>): Promise<{ maxInFlight: number }> {
  const started = nowMs();
  const pending = new Set<Promise<void>>();
  let maxInFlight = 0;
  let failure: unknown = null;
  for (let seq = 0; seq < total; seq++) {
    const due = started + (seq * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const running: Promise<void> = call(seq).catch((error: unknown) => {
      failure ??= error;
    }).finally(() => pending.delete(running));
    pending.add(running);
    maxInFlight = Math.max(maxInFlight, pending.size);
    if (failure) break;
    // Bounded: an API that falls this far behind has failed the scenario; say so instead of
    // opening thousands of connections.
    if (pending.size > 500) throw new Error(`more than 500 publish calls in flight at call ${seq}`);
  }
  await Promise.all(pending);
  if (failure) throw failure;
  return { maxInFlight };
}
