// The bench's CPU profile summary: frames land in the right layer, self time adds up, and a phase's
// window keeps only that phase's samples. A real `node --cpu-prof` child writes the profile.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { layerOf, profileIn, summarizeProfile } from '../../bench/support/cpu-profile.ts';

const repo = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'herald-cpu-profile-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('layerOf', () => {
  const file = (path: string) => pathToFileURL(path).href;
  it.each([
    [file('/x/node_modules/graphql/execution/execute.js'), 'GraphQL'],
    [file('/x/node_modules/@envelop/core/esm/orchestrator.js'), 'GraphQL'],
    [file('/x/node_modules/@pothos/core/esm/index.js'), 'GraphQL'],
    [file('/x/node_modules/@escape.tech/graphql-armor/dist/index.js'), 'GraphQL'],
    [file('/x/node_modules/@prisma/client/runtime/client.js'), 'Prisma'],
    [file(join(repo, 'src/generated/prisma/internal/class.ts')), 'Prisma'],
    ['wasm://wasm/0123abcd', 'Prisma'],
    [file('/x/node_modules/pg-protocol/dist/parser.js'), 'pg'],
    [file('/x/node_modules/pg-pool/index.js'), 'pg'],
    [file('/x/node_modules/pg-boss/dist/manager.js'), 'pg-boss'],
    [file('/x/node_modules/got/dist/source/core/index.js'), 'got'],
    [file('/x/node_modules/http2-wrapper/source/agent.js'), 'got'],
    [file('/x/node_modules/ajv/dist/core.js'), 'other packages'],
    ['node:internal/stream_base_commons', 'Node internals'],
    [file(join(repo, 'src/worker/deliver-batch.ts')), 'Herald'],
  ])('%s → %s', (url, layer) => {
    expect(layerOf({ url, functionName: 'f' })).toBe(layer);
  });
  it('names V8 pseudo-frames and built-ins', () => {
    expect(layerOf({ url: '', functionName: '(garbage collector)' })).toBe('GC');
    expect(layerOf({ url: '', functionName: '(idle)' })).toBe('idle');
    expect(layerOf({ url: '', functionName: '(program)' })).toBe('program');
    expect(layerOf({ url: '', functionName: 'writev' })).toBe('Node internals');
  });
});

describe('summarizeProfile', () => {
  // Spins in `spinFirst`, sleeps, then spins in `spinSecond`; prints the monotonic µs between.
  const script = join(dir, 'spin.mjs');
  writeFileSync(
    script,
    `function spinFirst() { const end = performance.now() + 300; let x = 0; while (performance.now() < end) x += Math.sqrt(x + 1); return x; }
function spinSecond() { const end = performance.now() + 300; let x = 0; while (performance.now() < end) x += Math.sqrt(x + 2); return x; }
spinFirst();
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(String(process.hrtime.bigint() / 1000n));
spinSecond();`,
  );
  const child = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, script], { encoding: 'utf8' });
  const between = Number(child.stdout.trim());
  const file = profileIn(dir)!;

  it('finds the busiest frames and adds self time up by layer', () => {
    expect(child.status).toBe(0);
    const summary = summarizeProfile(file, 'spin');
    const frames = summary.top.map((frame) => frame.frame);
    expect(frames.some((frame) => frame.startsWith('spinFirst'))).toBe(true);
    expect(frames.some((frame) => frame.startsWith('spinSecond'))).toBe(true);
    const layersMs = summary.layers.reduce((sum, layer) => sum + layer.ms, 0);
    expect(Math.abs(layersMs - summary.sampledMs)).toBeLessThanOrEqual(summary.layers.length);
    expect(summary.busyMs).toBeGreaterThanOrEqual(400);
    expect(summary.note).toBeUndefined();
  });

  it('keeps only the samples inside the window', () => {
    const whole = summarizeProfile(file, 'whole');
    const after = summarizeProfile(file, 'after', { fromUs: between, toUs: between + 10_000_000 });
    expect(after.sampledMs).toBeLessThan(whole.sampledMs);
    expect(after.top.some((frame) => frame.frame.startsWith('spinFirst'))).toBe(false);
    expect(after.top.some((frame) => frame.frame.startsWith('spinSecond'))).toBe(true);
  });

  it('falls back to the whole profile, saying so, when the window holds no sample', () => {
    const empty = summarizeProfile(file, 'empty', { fromUs: 0, toUs: 1 });
    expect(empty.note).toMatch(/whole profile/);
  });
});
