// Filter cost: what payload filters add to publishing. One Herald (api only: the cost is in the
// publish transaction, not in delivery), 20 endpoints, publishEvents calls of 100 events, timed
// with the endpoints' filters off, on and matching every event (the same 2,000 deliveries: the
// pure cost of evaluating them), and on and matching half (fewer deliveries to write). The modes
// take turns in every round, in alternating order, so a table that grows during the run weighs on
// each alike; the figures are the median call of each mode and its ratio to the unfiltered one.
import { matches, parsePayloadFilter } from '../../src/engine/payload-filter.ts';
import type { BenchCluster } from '../support/cluster.ts';
import { startBenchHerald } from '../support/herald.ts';
import { median, nowMs, round } from '../support/stats.ts';

const EVENTS = 100;
const ENDPOINTS = 20;
const WARM_UP_CALLS = 3;
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY'];

// Four conditions over nested fields and an array; every payload below matches it.
const MATCHES_ALL = {
  'data.amount': { $gte: 0 },
  $or: [{ 'data.currency': 'EUR' }, { 'data.currency': { $in: ['USD', 'GBP', 'JPY'] } }],
  'data.items.sku': { $exists: true },
};
// The same shape; half of the payloads (EUR and USD) match it.
const MATCHES_HALF = { ...MATCHES_ALL, $or: [{ 'data.currency': 'EUR' }, { 'data.currency': { $in: ['USD'] } }] };

type Mode = 'none' | 'allMatch' | 'halfMatch';
const FILTERS: Record<Mode, object | null> = { none: null, allMatch: MATCHES_ALL, halfMatch: MATCHES_HALF };

export interface FilterCostRun {
  events: number;
  endpoints: number;
  callsPerMode: number;
  unfilteredP50Ms: number;
  allMatchP50Ms: number;
  halfMatchP50Ms: number;
  /** Publishing with filters that all match ÷ without filters (same deliveries written). */
  allMatchRatio: number;
  /** Publishing with filters that match half ÷ without filters (half the deliveries written). */
  halfMatchRatio: number;
  /** One endpoint's filter against one payload, in process. */
  matchMicroseconds: number;
}

function payload(n: number) {
  return { data: { amount: (n * 37) % 1000, currency: CURRENCIES[n % 4], customer: { id: `cus_${n}`, tier: n % 3 === 0 ? 'gold' : 'basic' }, items: [{ sku: `A${n}`, qty: 1 }, { sku: 'B', qty: 2 }] } };
}

export async function runFilterCost(cluster: BenchCluster, rounds: number): Promise<FilterCostRun> {
  const herald = await startBenchHerald(cluster, { worker: false });
  try {
    await herald.createEndpoints(Array.from({ length: ENDPOINTS }, (_, i) => `https://filter-cost-${i}.example/hook`));
    const events = Array.from({ length: EVENTS }, (_, n) => ({ data: payload(n) }));
    const publishWith = async (mode: Mode) => {
      await herald.sql.query('UPDATE endpoints SET filter = $1::jsonb', [FILTERS[mode] === null ? null : JSON.stringify(FILTERS[mode])]);
      const started = nowMs();
      await herald.publish(events);
      return nowMs() - started;
    };
    for (let i = 0; i < WARM_UP_CALLS; i++) for (const mode of ['none', 'allMatch', 'halfMatch'] as const) await publishWith(mode);

    const timings: Record<Mode, number[]> = { none: [], allMatch: [], halfMatch: [] };
    for (let turn = 0; turn < rounds; turn++) {
      const order: Mode[] = turn % 2 === 0 ? ['none', 'allMatch', 'halfMatch'] : ['halfMatch', 'allMatch', 'none'];
      for (const mode of order) timings[mode].push(await publishWith(mode));
    }
    const [none, allMatch, halfMatch] = [median(timings.none), median(timings.allMatch), median(timings.halfMatch)];
    return {
      events: EVENTS,
      endpoints: ENDPOINTS,
      callsPerMode: rounds,
      unfilteredP50Ms: round(none, 1),
      allMatchP50Ms: round(allMatch, 1),
      halfMatchP50Ms: round(halfMatch, 1),
      allMatchRatio: round(allMatch / none, 3),
      halfMatchRatio: round(halfMatch / none, 3),
      matchMicroseconds: round(matchMicroseconds(), 3),
    };
  } finally {
    await herald.stop();
  }
}

/** The evaluation alone, in this process: the filter against the same 100 payloads, many times over. */
function matchMicroseconds(): number {
  const parsed = parsePayloadFilter(MATCHES_ALL);
  if (!parsed.ok) throw new Error('the benchmark filter does not parse');
  const payloads = Array.from({ length: EVENTS }, (_, n) => ({ sentAt: 0, ...payload(n) }));
  const repetitions = 2_000;
  let matched = 0;
  const started = nowMs();
  for (let r = 0; r < repetitions; r++) for (const p of payloads) if (matches(parsed.filter, p)) matched++;
  const elapsed = nowMs() - started;
  if (matched !== repetitions * EVENTS) throw new Error('the benchmark filter should match every payload');
  return (elapsed * 1000) / (repetitions * EVENTS);
}
