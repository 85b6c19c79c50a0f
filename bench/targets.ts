// Issue 15's targets, each judged against the stack reference measured in the same run (a ratio
// survives a noisy machine; an absolute figure does not), except publishing and memory, which are
// absolute.

export const TARGETS = {
  publishEventsPerSecond: 10_000,
  deliveriesCreatedPerSecond: 20_000,
  /** Herald's deliveries/s ÷ the stack's (with its attempt row). */
  deliveringAloneRatio: 0.9,
  togetherRatio: 0.75,
  /** Herald's publish → receipt p50 ≤ 2 × the stack's enqueue → receipt p50 + 5 ms. */
  latencyP50: { times: 2, plusMs: 5 },
  latencyP99Times: 1.5,
  peakRssMbPerProcess: 250,
} as const;

/** The stack's figures the ratios are taken to (null when the stack scenario did not run). */
export interface StackReference {
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Herald's figures for one process layout; any may be missing when its scenario did not run. */
export interface LayoutFigures {
  layout: string;
  publishEventsPerSecond?: number;
  deliveriesCreatedPerSecond?: number;
  deliveringAlone?: Array<{ what: string; deliveriesPerSecond: number }>;
  together?: Array<{ what: string; deliveriesPerSecond: number }>;
  latency?: { p50Ms: number; p99Ms: number };
  peakRssMb?: { api: number; worker: number };
}

export interface TargetRow {
  layout: string;
  figure: string;
  value: string;
  target: string;
  /** null: not judged (no stack reference in this run). */
  met: boolean | null;
}

const n = (value: number) => Math.round(value).toLocaleString('en');
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

export function evaluateTargets(stack: StackReference | null, figures: LayoutFigures): TargetRow[] {
  const rows: TargetRow[] = [];
  const row = (figure: string, value: string, target: string, met: boolean | null) => rows.push({ layout: figures.layout, figure, value, target, met });
  const t = TARGETS;
  if (figures.publishEventsPerSecond !== undefined) {
    row('publishing alone, 1 endpoint', `${n(figures.publishEventsPerSecond)} events/s`, `≥ ${n(t.publishEventsPerSecond)} events/s`, figures.publishEventsPerSecond >= t.publishEventsPerSecond);
  }
  if (figures.deliveriesCreatedPerSecond !== undefined) {
    row('publishing alone, 10 endpoints', `${n(figures.deliveriesCreatedPerSecond)} deliveries created/s`, `≥ ${n(t.deliveriesCreatedPerSecond)}/s`, figures.deliveriesCreatedPerSecond >= t.deliveriesCreatedPerSecond);
  }
  const ratios = (kind: string, list: LayoutFigures['together'], wanted: number) => {
    for (const { what, deliveriesPerSecond } of list ?? []) {
      const ratio = stack ? deliveriesPerSecond / stack.deliveriesPerSecond : null;
      row(`${kind}, ${what}`, `${n(deliveriesPerSecond)} deliveries/s${ratio === null ? '' : ` = ${x(ratio)} stack`}`, `≥ ${x(wanted)} stack`, ratio === null ? null : ratio >= wanted);
    }
  };
  ratios('delivering alone', figures.deliveringAlone, t.deliveringAloneRatio);
  ratios('both together', figures.together, t.togetherRatio);
  if (figures.latency) {
    const { p50Ms, p99Ms } = figures.latency;
    const p50Limit = stack ? t.latencyP50.times * stack.p50Ms + t.latencyP50.plusMs : null;
    const p99Limit = stack ? t.latencyP99Times * stack.p99Ms : null;
    row('latency p50, publish → receipt', `${p50Ms} ms${stack ? ` (stack ${stack.p50Ms} ms)` : ''}`, `≤ 2 × stack + 5 ms${p50Limit === null ? '' : ` = ${p50Limit.toFixed(1)} ms`}`, p50Limit === null ? null : p50Ms <= p50Limit);
    row('latency p99, publish → receipt', `${p99Ms} ms${stack ? ` (stack ${stack.p99Ms} ms)` : ''}`, `≤ 1.5 × stack${p99Limit === null ? '' : ` = ${p99Limit.toFixed(1)} ms`}`, p99Limit === null ? null : p99Ms <= p99Limit);
  }
  if (figures.peakRssMb) {
    const { api, worker } = figures.peakRssMb;
    row('peak RSS per process', `api ${api} MiB · worker ${worker} MiB`, `≤ ${t.peakRssMbPerProcess} MiB`, Math.max(api, worker) <= t.peakRssMbPerProcess);
  }
  return rows;
}

export function verdict(met: boolean | null): string {
  return met === null ? 'n/a (no stack reference)' : met ? 'met' : 'not met';
}
