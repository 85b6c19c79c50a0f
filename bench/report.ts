// The benchmark's result as a table for the terminal and a Markdown summary for bench/results/.

export interface BenchResult {
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  runsPerScenario: number;
  code: { commit: string; uncommittedChanges: boolean | null };
  machine: Record<string, string | number>;
  scenarios: Record<string, unknown>;
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
  const t = s['throughput'];
  if (t) {
    out.push(['throughput', `${t.events} events × ${t.endpoints} endpoint`, `${t.deliveriesPerSecond} deliveries/s (${pct(t.ratio)} of ceiling)`, '≥ 1,500/s']);
    out.push(['throughput', `${t.fanOut.events} events × ${t.fanOut.endpoints} endpoints`, `${t.fanOut.deliveriesPerSecond} deliveries/s (${pct(t.fanOut.ratio)} of ceiling)`, '≥ 1,500/s']);
    out.push(['throughput', 'publishing (publishEvents × 100)', `${t.publishedEventsPerSecond} events/s`, '']);
  }
  const f = s['footprint'];
  if (f) out.push(['footprint', 'peak RSS during throughput', `api ${f.apiPeakRssMb} MiB · worker ${f.workerPeakRssMb} MiB`, '']);
  const l = s['latency'];
  if (l) {
    out.push(['latency', `${l.eventsPerSecond} events/s (10 per call) for ${l.seconds} s, publish → receipt`, `p50 ${ms(l.p50Ms)} · p95 ${ms(l.p95Ms)} · p99 ${ms(l.p99Ms)}`, 'p99 ≤ 100 ms']);
    out.push(['latency', 'of which the publishEvents call (10 events)', `p50 ${ms(l.publishP50Ms)} · p99 ${ms(l.publishP99Ms)}`, '']);
  }
  const r = s['retryStorm'];
  if (r) {
    out.push(['retryStorm', `${r.failingEndpoints} of ${r.endpoints} endpoints 503 for ${r.stormSeconds} s`, `drained ${r.drainSeconds} s after recovery · lost ${r.lostInAnyRun} · duplicates ${r.duplicates}`, 'lost 0']);
    out.push(['retryStorm', 'healthy endpoints during the storm', `p50 ${ms(r.p50Ms)} · p95 ${ms(r.p95Ms)} · p99 ${ms(r.p99Ms)}`, '']);
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
  return out;
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function renderTable(result: BenchResult): string {
  const all: Row[] = [['scenario', 'what', 'result', 'target'], ...rows(result)];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((row) => row[i]!.length)));
  return all.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const lines = [
    `# Herald benchmark, ${result.startedAt.slice(0, 10)}${result.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${m['cores']} × ${m['cpu']}, ${m['memoryGiB']} GiB, Linux ${m['kernel']}, Node ${m['node']}, ${m['database']}.`,
    `Code: commit ${result.code.commit}${result.code.uncommittedChanges ? ' with uncommitted changes' : ''}.`,
    `Herald ran as separate \`herald api\` and \`herald worker\` processes; receivers in a process of their own; everything on 127.0.0.1.`,
    `Each figure is the median of ${result.runsPerScenario} run(s) (cost growth: one run, p50 of many requests). Took ${result.durationSeconds} s.`,
    '',
    '| scenario | what | result | target |',
    '|---|---|---|---|',
    ...rows(result).map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  const explain = (result.scenarios['costGrowth'] as Figures | undefined)?.explain as Record<string, string> | undefined;
  if (explain) {
    lines.push('## Query plans at the large size', '');
    for (const [name, plan] of Object.entries(explain)) lines.push(`${name}:`, '', '```', plan, '```', '');
  }
  return lines.join('\n');
}
