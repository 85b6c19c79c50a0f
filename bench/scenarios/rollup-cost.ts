// What the outcome rollups (docs/statistics.md) cost publishing and delivering: the throughput
// scenario's run (N events to one endpoint, published and delivered together) with the rollup
// triggers on and off, in alternating turns of one bench run (the order flips each turn), so
// machine load falls on both alike. One endpoint and two worker processes: the hot-row case, every
// worker finishing deliveries of the same endpoint's current minute at once.
import type { BenchCluster } from '../support/cluster.ts';
import type { BenchHerald, Layout } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { median, round } from '../support/stats.ts';
import { runThroughput } from './throughput.ts';

export interface RollupCostResult {
  deliveries: number;
  layout: string;
  withRollups: { deliveriesPerSecond: number; runs: number[] };
  withoutRollups: { deliveriesPerSecond: number; runs: number[] };
  /** with / without: 1 is free, 0.95 is 5% slower. */
  ratio: number;
}

const TRIGGERS = ['deliveries_rollup_insert', 'deliveries_rollup_update', 'deliveries_rollup_delete'];

async function withoutRollups(herald: BenchHerald): Promise<void> {
  for (const trigger of TRIGGERS) await herald.sql.query(`ALTER TABLE deliveries DISABLE TRIGGER ${trigger}`);
}

export async function runRollupCost(cluster: BenchCluster, receiver: BenchReceiver, events: number, turns: number, log: (line: string) => void): Promise<RollupCostResult> {
  const layout: Layout = { apis: 1, workers: 2 };
  const on: number[] = [];
  const off: number[] = [];
  for (let turn = 0; turn < turns; turn++) {
    for (const rollups of turn % 2 === 0 ? [true, false] : [false, true]) {
      log(`rollup cost: turn ${turn + 1} of ${turns}, rollups ${rollups ? 'on' : 'off'}`);
      const run = await runThroughput(cluster, receiver, events, 1, layout, rollups ? undefined : withoutRollups);
      if (run.lost > 0) throw new Error(`rollup cost: ${run.lost} deliveries lost`);
      (rollups ? on : off).push(round(run.deliveriesPerSecond, 0));
    }
  }
  return {
    deliveries: events,
    layout: `${layout.apis}x${layout.workers}`,
    withRollups: { deliveriesPerSecond: median(on), runs: on },
    withoutRollups: { deliveriesPerSecond: median(off), runs: off },
    ratio: round(median(on) / median(off), 3),
  };
}
