// Summaries of the V8 CPU profiles that `node --cpu-prof` writes (.cpuprofile JSON): self time
// per call frame, the top frames, and totals by layer (GraphQL, Prisma, pg, pg-boss, got, Node,
// Herald, …). A profile covers its process's whole life; `window` keeps only the samples taken
// while a phase ran. Its bounds are CLOCK_MONOTONIC microseconds, the clock of both V8's profile
// timestamps and process.hrtime on Linux, so the bench process can name them (monotonicUs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs, round } from './stats.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const LAYERS = ['GraphQL', 'Prisma', 'pg', 'pg-boss', 'got', 'Node internals', 'Herald', 'bench stack', 'other packages', 'GC', 'program', 'idle'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ProfileSummary {
  /** What was profiled, e.g. "api during publishing alone". */
  label: string;
  /** Milliseconds of samples summarized (the window), and how many of them were not idle. */
  sampledMs: number;
  busyMs: number;
  /** Per layer: self time in ms and its share of the busy (not idle) time. */
  layers: Array<{ layer: Layer; ms: number; busyShare: number }>;
  /** The frames with the most self time: "function url:line". */
  top: Array<{ frame: string; layer: Layer; ms: number; busyShare: number }>;
  /** Set when the window held no samples and the whole profile was summarized instead. */
  note?: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PACKAGE_LAYERS: Array<[Layer, RegExp]> = [
  // @whatwg-node is graphql-yoga's HTTP adapter (Request/Response over node:http).
  ['GraphQL', /^(graphql|graphql-yoga|graphql-ws|@graphql-yoga\/.*|@graphql-tools\/.*|@envelop\/.*|@pothos\/.*|@escape\.tech\/.*|@whatwg-node\/.*|dset)$/],
  ['Prisma', /^(prisma|@prisma\/.*)$/],
  ['pg', /^(pg|pg-protocol|pg-pool|pg-types|pg-connection-string|pg-int8|pgpass|postgres-array|postgres-bytea|postgres-date|postgres-interval|split2)$/],
  ['pg-boss', /^(pg-boss|cron-parser|luxon)$/],
  ['got', /^(got|http2-wrapper|@sindresorhus\/.*|@szmarczak\/.*|cacheable-request|cacheable-lookup|responselike|lowercase-keys|decompress-response|form-data-encoder|p-cancelable|keyv|@keyv\/.*|normalize-url|mimic-response|get-stream|byte-counter|chunk-data|type-fest|quick-lru|resolve-alpn)$/],
];

/** The layer a call frame belongs to, by its script's URL (and, for V8's pseudo-frames, its name). */
export function layerOf(frame: Pick<CallFrame, 'functionName' | 'url'>): Layer {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)' || functionName === '(root)') return 'program';
    // Built-ins without a script (JSON.parse, native bindings such as writev) are Node's share.
    return 'Node internals';
  }
  if (url.startsWith('node:')) return 'Node internals';
  // The only WebAssembly Herald's processes load is Prisma's query compiler.
  if (url.startsWith('wasm://')) return 'Prisma';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const parts = path.slice(inModules + '/node_modules/'.length).split('/');
    const name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    return PACKAGE_LAYERS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other packages';
  }
  // Prisma's generated client lives in Herald's tree but is Prisma's code.
  if (path.includes('/src/generated/prisma/')) return 'Prisma';
  if (path.startsWith(join(REPO_ROOT, 'src'))) return 'Herald';
  if (path.startsWith(join(REPO_ROOT, 'bench'))) return 'bench stack';
  return 'other packages';
}

export function summarizeProfile(file: string, label: string, window?: { fromUs: number; toUs: number }, topCount = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  // Sample i was taken at startTime + Σ timeDeltas[0..i]; it stands for the time until the next one.
  const times: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((at += delta));
  const inWindow = (i: number) => !window || (times[i]! >= window.fromUs && times[i]! <= window.toUs);
  let note: string | undefined;
  let chosen = profile.samples.map((_, i) => i).filter(inWindow);
  if (chosen.length === 0) {
    note = 'no samples inside the phase’s window: the whole profile is summarized';
    chosen = profile.samples.map((_, i) => i);
  }
  const selfUs = new Map<number, number>();
  for (const i of chosen) {
    const next = times[i + 1] ?? profile.endTime;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + Math.max(0, next - times[i]!));
  }
  const byLayer = new Map<Layer, number>();
  const byFrame = new Map<string, { layer: Layer; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = frameOf.get(id)!;
    const layer = layerOf(frame);
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + us);
    const key = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ''}`.trim();
    const entry = byFrame.get(key) ?? { layer, us: 0 };
    entry.us += us;
    byFrame.set(key, entry);
  }
  const sampledUs = [...byLayer.values()].reduce((a, b) => a + b, 0);
  const busyUs = sampledUs - (byLayer.get('idle') ?? 0);
  const share = (us: number) => round(busyUs > 0 ? us / busyUs : 0, 3);
  return {
    label,
    sampledMs: round(sampledUs / 1000, 0),
    busyMs: round(busyUs / 1000, 0),
    layers: LAYERS.filter((layer) => byLayer.has(layer)).map((layer) => ({ layer, ms: round(byLayer.get(layer)! / 1000, 0), busyShare: layer === 'idle' ? 0 : share(byLayer.get(layer)!) })),
    top: [...byFrame.entries()]
      .filter(([, entry]) => entry.layer !== 'idle')
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, topCount)
      .map(([frame, entry]) => ({ frame, layer: entry.layer, ms: round(entry.us / 1000, 0), busyShare: share(entry.us) })),
    ...(note ? { note } : {}),
  };
}

/** The newest .cpuprofile in `dir` (one process writes one, when it exits). */
export function profileIn(dir: string): string | null {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort();
  return files.length > 0 ? join(dir, files.at(-1)!) : null;
}

/** A wall-clock instant (nowMs) as CLOCK_MONOTONIC microseconds, the profiles' clock. */
export function monotonicUs(wallMs: number): number {
  return Number(process.hrtime.bigint() / 1000n) - (nowMs() - wallMs) * 1000;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const repo = url.indexOf(REPO_ROOT);
  return repo >= 0 ? url.slice(repo + REPO_ROOT.length) : url;
}
