// The benchmark's result as a table for the terminal and a Markdown summary for bench/results/.
import type { ProfileSummary } from './support/cpu-profile.ts';
import { verdict, type TargetRow } from './targets.ts';

export interface BenchResult {
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  runsPerScenario: number;
  processes?: string[];
  code: { commit: string; uncommittedChanges: boolean | null };
  machine: Record<string, string | number>;
  scenarios: Record<string, unknown>;
  targets?: TargetRow[];
  profiles?: ProfileSummary[];
  profileFiles?: string;
}

type Row = [scenario: string, figure: string, value: string, target: string];

// `any` on purpose: the scenarios' shapes are built (and typed) in run.ts; here they are only
// read, by name, to print them.
type Figures = Record<string, any>;

function rows(result: BenchResult): Row[] {
  const all = result.scenarios as Record<string, Figures | undefined>;
  const out: Row[] = [];
  const s: Record<string, Figures | undefined> = {};
  for (const [name, figures] of Object.entries(all)) {
    if (figures?.['failed']) out.push([name, 'FAILED', String(figures['failed']).slice(0, 160), '']);
    else s[name] = figures;
  }
  const ms = (value: number) => `${value} ms`;
  if (s['ceiling']) out.push(['ceiling', 'bare undici → receiver', `${s['ceiling'].ceilingPerSecond} req/s`, '']);
  const k = s['stack'];
  if (k) {
    const backlog = (b: Figures) => `${b.deliveriesPerSecond} deliveries/s · lost ${b.lost} · duplicates ${b.duplicates} · worker ${b.workerPeakRssMb} MiB`;
    out.push(['stack', `bare pg-boss + got + HMAC, backlog of ${k.jobs}`, backlog(k.withoutAttemptRow), '']);
    out.push(['stack', `the same with an attempt row INSERTed per delivery`, backlog(k.withAttemptRow), 'the reference']);
    out.push(['stack', `${k.latency.jobsPerSecond} jobs/s (10 per insert) for ${k.latency.seconds} s, enqueue → receipt`, `p50 ${ms(k.latency.p50Ms)} · p95 ${ms(k.latency.p95Ms)} · p99 ${ms(k.latency.p99Ms)}`, 'the reference']);
  }
  const vsStack = (ratio: number | null) => (ratio === null || ratio === undefined ? '' : ` = ${ratio.toFixed(2)}× stack`);
  for (const [key, name] of keysOf(s, 'publishing')) {
    const p = s[key]!;
    out.push([name, `${p.single.events} events × 1 endpoint, api up, no worker`, `${p.single.eventsPerSecond} events/s`, '≥ 10,000 events/s']);
    out.push([name, `${p.fanOut.events} events × ${p.fanOut.endpoints} endpoints, api up, no worker`, `${p.fanOut.deliveriesCreatedPerSecond} deliveries created/s (${p.fanOut.eventsPerSecond} events/s)`, '≥ 20,000/s']);
  }
  for (const [key, name] of keysOf(s, 'delivering')) {
    const d = s[key]!;
    for (const part of [d.single, d.fanOut]) {
      out.push([name, `worker started on ${part.deliveries} published deliveries`, `${part.deliveriesPerSecond} deliveries/s${vsStack(part.ratioToStack)} · lost ${part.lost} · duplicates ${part.duplicates}`, '≥ 0.9× stack']);
    }
  }
  for (const [key, name, layout] of keysOf(s, 'throughput')) {
    const t = s[key]!;
    for (const part of [t, t.fanOut]) {
      out.push([name, `${part.events} events × ${part.endpoints} endpoint${part.endpoints > 1 ? 's' : ''}, published and delivered together${layout}`, `${part.deliveriesPerSecond} deliveries/s${vsStack(part.ratioToStack)} (${pct(part.ratio)} of ceiling) · lost ${part.lost} · duplicates ${part.duplicates}`, '≥ 0.75× stack']);
    }
    out.push([name, 'publishing meanwhile (publishEvents × 100)', `${t.publishedEventsPerSecond} events/s`, '']);
  }
  for (const [key, name] of keysOf(s, 'footprint')) {
    const f = s[key]!;
    out.push([name, `peak RSS (${f.during})`, `api ${f.apiPeakRssMb} MiB · worker ${f.workerPeakRssMb} MiB`, '≤ 250 MiB per process']);
  }
  for (const [key, name, layout] of keysOf(s, 'latency')) {
    const l = s[key]!;
    const stack = l.stack ? ` (stack p50 ${ms(l.stack.p50Ms)} · p99 ${ms(l.stack.p99Ms)})` : '';
    out.push([name, `${l.eventsPerSecond} events/s (10 per call) for ${l.seconds} s, publish → receipt${layout}`, `p50 ${ms(l.p50Ms)} · p95 ${ms(l.p95Ms)} · p99 ${ms(l.p99Ms)}${stack} · lost ${l.lostInAnyRun} · duplicates ${l.duplicates}`, 'p50 ≤ 2× stack + 5 ms, p99 ≤ 1.5× stack']);
    out.push([name, 'of which the publishEvents call (10 events)', `p50 ${ms(l.publishP50Ms)} · p99 ${ms(l.publishP99Ms)}`, '']);
  }
  for (const [key, name, layout] of keysOf(s, 'retryStorm')) {
    const r = s[key]!;
    out.push([name, `${r.failingEndpoints} of ${r.endpoints} endpoints 503 for ${r.stormSeconds} s${layout}`, `drained ${r.drainSeconds} s after recovery · lost ${r.lostInAnyRun} · duplicates ${r.duplicatesInAnyRun}`, 'lost 0']);
    out.push([name, 'healthy endpoints during the storm', `p50 ${ms(r.p50Ms)} · p95 ${ms(r.p95Ms)} · p99 ${ms(r.p99Ms)}`, '']);
  }
  const h = s['slowReceiver'];
  if (h) {
    out.push(['slowReceiver', `${h.failingEndpoints} of ${h.endpoints} endpoints silent for ${h.stormSeconds} s (timeout ${h.deliveryTimeout})`, `drained ${h.drainSeconds} s after recovery · lost ${h.lostInAnyRun} · duplicates ${h.duplicates}`, 'lost 0']);
    out.push(['slowReceiver', 'healthy endpoints meanwhile', `p50 ${ms(h.p50Ms)} · p95 ${ms(h.p95Ms)} · p99 ${ms(h.p99Ms)}`, '']);
  }
  const v = s['liveStatus'];
  if (v) out.push(['liveStatus', `${v.subscriptions} subscriptions, ${v.deliveriesPerSecond} deliveries/s, status → subscriber`, `p50 ${ms(v.p50Ms)} · p95 ${ms(v.p95Ms)} · p99 ${ms(v.p99Ms)}`, 'p99 ≤ 200 ms']);
  const c = s['costGrowth'];
  if (c) {
    for (const [name, q] of Object.entries(c.queries as Record<string, { smallP50Ms: number; largeP50Ms: number; ratio: number }>)) {
      out.push(['costGrowth', `${name}: ${c.smallRows.toLocaleString('en')} → ${c.largeRows.toLocaleString('en')} rows`, `p50 ${ms(q.smallP50Ms)} → ${ms(q.largeP50Ms)} (× ${q.ratio})`, 'ratio ≈ 1']);
    }
  }
  const g = s['historyGrowth'];
  if (g) {
    const sizes = g.sizes as number[];
    const rows = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1_000}k`);
    for (const [name, read] of Object.entries(g.reads as Record<string, { p50Ms: number[]; ratio: number }>)) {
      out.push(['historyGrowth', `${name}: ${sizes.map(rows).join(' → ')} deliveries`, `p50 ${read.p50Ms.map(ms).join(' → ')} (× ${read.ratio})`, '≤ 1.5× and ≤ 50 ms']);
    }
  }
  const rc = s['rollupCost'];
  if (rc) {
    out.push(['rollupCost', `${rc.deliveries} × 1 endpoint published and delivered (${rc.layout}), stats rollups on / off`, `${rc.withRollups.deliveriesPerSecond} / ${rc.withoutRollups.deliveriesPerSecond} deliveries/s (× ${rc.ratio})`, '≥ 0.95']);
  }
  const p = s['portal'];
  if (p) {
    const b = p.budgets as { jsGzipKb: number; interactiveMs: number; liveP95Ms: number };
    const met = (ok: boolean) => (ok ? 'met' : 'not met');
    out.push(['portal', `JS for the endpoints list (${p.scripts} scripts)`, `${p.jsGzipKb} KB gzip (${p.jsRawKb} KB raw)`, `≤ ${b.jsGzipKb} KB: ${met(p.jsGzipKb <= b.jsGzipKb)}`]);
    out.push(['portal', `navigation → interactive list, ${p.endpoints} endpoints, ${p.deliveries.toLocaleString('en')} deliveries (median of ${p.loads} loads)`, ms(p.interactiveMs), `≤ ${ms(b.interactiveMs)}: ${met(p.interactiveMs <= b.interactiveMs)}`]);
    const unseen = p.liveUnseenInAnyRun > 0 ? ` · ${p.liveUnseenInAnyRun} never shown` : '';
    out.push(['portal', `attempt recorded → row SUCCEEDED on screen, ${p.liveRate}/s for ${p.liveSeconds} s`, `p50 ${ms(p.p50Ms)} · p95 ${ms(p.p95Ms)} · p99 ${ms(p.p99Ms)}${unseen}`, `p95 ≤ ${ms(b.liveP95Ms)}: ${met(p.p95Ms <= b.liveP95Ms && p.liveUnseenInAnyRun === 0)}`]);
    out.push(['portal', 'of which, attempt recorded → its notice at the browser’s socket', `p50 ${ms(p.socket.p50Ms)} · p95 ${ms(p.socket.p95Ms)}`, '']);
  }
  const fc = s['filterCost'];
  if (fc) out.push(['filterCost', `publishEvents × ${fc.events} to ${fc.endpoints} endpoints with filters ÷ without`, `× ${fc.allMatchRatio} all matching · × ${fc.halfMatchRatio} half matching (${ms(fc.unfilteredP50Ms)} unfiltered; ${fc.matchMicroseconds} µs a match)`, '']);
  const nn = s['noisyNeighbour'];
  if (nn) {
    const x = (ratio: number) => `${ratio.toFixed(2)}×`;
    const target = `≤ ${nn.target.times}× quiet (issue 20)`;
    const bound = (f: Figures) => ` · ${f.withinDocumentedBound ? 'within' : 'past'} fairness.md's ${nn.target.times}× quiet + ${nn.target.documentedFloorMs / 1000} s`;
    out.push(['noisyNeighbour', `org B alone, ${nn.bEventsPerSecond} events/s, publish → receipt`, `p50 ${ms(nn.quiet.p50Ms)} · p99 ${ms(nn.quiet.p99Ms)} (${nn.quiet.samples} deliveries) · machine load ${nn.loadAverage[0]}–${nn.loadAverage[1]} on ${result.machine['cores']} cores`, 'the reference']);
    const phase = (what: string, f: Figures) =>
      out.push(['noisyNeighbour', what, `p99 ${x(f.p99ToQuietP99)} quiet p99 (p99 ${ms(f.p99Ms)} · p50 ${ms(f.p50Ms)} · max ${ms(f.maxMs)}; quiet p99 ${ms(f.quietP99Ms)}; ${f.samples} deliveries)${bound(f)}`, target]);
    phase(`org B while org A's ${nn.silent.attempts.toLocaleString('en')} attempts hang at ${nn.silent.endpoints} silent endpoints (timeout ${nn.silent.deliveryTimeout})`, nn.silent);
    phase(`org B while org A's ${nn.burst.deliveries.toLocaleString('en')} deliveries due at one instant are sent`, nn.burst);
    out.push(['noisyNeighbour', `org A's burst, due instant → last arrival`, `${nn.burst.aDeliveriesPerSecond} deliveries/s (${nn.burst.seconds} s)${nn.burst.publishedBeforeDueInEveryRun ? '' : ' · published past its due instant in some run'} · B lost ${nn.bLostInAnyRun}`, '']);
  }
  return out;
}

/** The results of one scenario in each process layout: [key, name shown, " (2 apis, 2 workers)" or ""]. */
function keysOf(s: Record<string, Figures | undefined>, name: string): Array<[string, string, string]> {
  return Object.keys(s)
    .filter((key) => (key === name || key.startsWith(`${name}@`)) && s[key])
    .map((key) => {
      const layout = key.split('@')[1];
      if (!layout) return [key, name, ''];
      const [apis, workers] = layout.split('x');
      return [key, `${name} ${layout}`, ` (${apis} apis, ${workers} workers)`];
    });
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function renderTable(result: BenchResult): string {
  const table = (all: string[][]) => {
    const widths = all[0]!.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
    return all.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
  };
  const parts = [table([['scenario', 'what', 'result', 'target'], ...rows(result)])];
  if (result.targets?.length) parts.push('', table([['processes', 'target', 'figure', 'wanted', 'verdict'], ...targetRows(result.targets)]));
  for (const profile of result.profiles ?? []) {
    parts.push('', `CPU: ${profile.label}: ${profile.busyMs} ms busy of ${profile.sampledMs} ms${profile.note ? ` (${profile.note})` : ''}`);
    parts.push(`  ${profile.layers.filter((l) => l.layer !== 'idle').map((l) => `${l.layer} ${pct(l.busyShare)}`).join(' · ')}`);
    parts.push(...profile.top.slice(0, 5).map((f) => `  ${pct(f.busyShare).padStart(4)}  ${f.frame} [${f.layer}]`));
  }
  return parts.join('\n');
}

function targetRows(targets: TargetRow[]): string[][] {
  return targets.map((t) => [t.layout, t.figure, t.value, t.target, verdict(t.met)]);
}

function profileMarkdown(profiles: ProfileSummary[], files: string | undefined): string[] {
  const lines = [
    '## CPU profiles',
    '',
    `Self time per call frame (\`node --cpu-prof\`, sampled every 1 ms), cut to the phase named; shares are of the busy (not idle) time.${files ? ` Raw profiles were in \`${files}\` (open them in Chrome DevTools).` : ''}`,
    '',
  ];
  for (const profile of profiles) {
    lines.push(`### ${profile.label}`, '', `${profile.busyMs} ms busy of ${profile.sampledMs} ms sampled.${profile.note ? ` ${profile.note}.` : ''}`, '');
    lines.push('| layer | self ms | share of busy |', '|---|---|---|');
    lines.push(...profile.layers.map((l) => `| ${l.layer} | ${l.ms} | ${l.layer === 'idle' ? '' : pct(l.busyShare)} |`), '');
    lines.push('| top frames by self time | layer | self ms | share |', '|---|---|---|---|');
    lines.push(...profile.top.map((f) => `| \`${f.frame.replaceAll('|', '\\|')}\` | ${f.layer} | ${f.ms} | ${pct(f.busyShare)} |`), '');
  }
  return lines;
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const lines = [
    `# Herald benchmark, ${result.startedAt.slice(0, 10)}${result.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${m['cores']} × ${m['cpu']}, ${m['memoryGiB']} GiB, Linux ${m['kernel']}, Node ${m['node']}, ${m['database']}.`,
    `Code: commit ${result.code.commit}${result.code.uncommittedChanges ? ' with uncommitted changes' : ''}.`,
    `Herald ran as separate \`herald api\` and \`herald worker\` processes (layouts: ${(result.processes ?? ['1x1']).join(', ')}, apis x workers); receivers in a process of their own; everything on 127.0.0.1.`,
    `Each figure is the median of ${result.runsPerScenario} run(s) (cost growth: one run, p50 of many requests). Took ${result.durationSeconds} s.`,
    '',
    '| scenario | what | result | target |',
    '|---|---|---|---|',
    ...rows(result).map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  if (result.targets?.length) {
    lines.push('## Targets', '', 'Each delivering figure is a ratio to the stack reference (bare pg-boss + got + HMAC with an attempt row) measured in this run.', '');
    lines.push('| processes | target | figure | wanted | verdict |', '|---|---|---|---|---|', ...targetRows(result.targets).map((row) => `| ${row.join(' | ')} |`), '');
  }
  if (result.profiles?.length) lines.push(...profileMarkdown(result.profiles, result.profileFiles));
  const explain = (result.scenarios['costGrowth'] as Figures | undefined)?.explain as Record<string, string> | undefined;
  if (explain) {
    lines.push('## Query plans at the large size', '');
    for (const [name, plan] of Object.entries(explain)) lines.push(`${name}:`, '', '```', plan, '```', '');
  }
  return lines.join('\n');
}
