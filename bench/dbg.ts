import { startBenchCluster } from './support/cluster.ts';
import { startBenchReceiver } from './support/receiver.ts';
import { startBenchHerald } from './support/herald.ts';
import { steadyPublishing } from './scenarios/latency.ts';
const cluster = await startBenchCluster();
const receiver = await startBenchReceiver();
const herald = await startBenchHerald(cluster, { worker: process.argv[2] !== 'noworker' });
await herald.createEndpoints([`${receiver.origin}/ok/0`]);
const t0 = performance.now();
const slow: string[] = [];
await steadyPublishing(20, 400, async (call) => {
  const s = performance.now();
  await herald.publish(Array.from({ length: 10 }, (_, i) => ({ data: { seq: call * 10 + i } })));
  const d = performance.now() - s;
  if (d > 200) slow.push(`${((s - t0) / 1000).toFixed(2)}s:${d.toFixed(0)}ms`);
});
console.log('slow calls:', slow.join(' '));
await herald.stop(); await receiver.stop(); await cluster.stop();
