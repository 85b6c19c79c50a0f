// Herald as its users run it: `herald api` and `herald worker` as separate processes, probed on
// /ready, measured by their kernel-reported peak RSS, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface HeraldProcess {
  kind: 'api' | 'worker';
  /** http://127.0.0.1:<port> */
  origin: string;
  child: ChildProcess;
  /** The end of what it wrote to stderr (its log), for error reports. */
  recentLog(): string;
  /** The most memory the process has held so far (VmHWM), in MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** What the bench's Herald processes expect on /metrics. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** `env` must hold DATABASE_URL and HERALD_ENCRYPTION_KEY (the same key for every process of one Herald). */
/** `nodeArgs`: flags for node itself, e.g. `--cpu-prof --cpu-prof-dir=<dir>` (see cpu-profile.ts). */
export async function startHeraldProcess(kind: 'api' | 'worker', env: Record<string, string>, nodeArgs: string[] = []): Promise<HeraldProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, MAIN, kind], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      NODE_ENV: 'production',
      // In production /metrics answers only its token.
      HERALD_METRICS_TOKEN: BENCH_METRICS_TOKEN,
      PORT: String(port),
      HERALD_ALLOW_PRIVATE_NETWORKS: 'true', // receivers are on 127.0.0.1
      // e.g. BENCH_NODE_OPTIONS=--cpu-prof to profile Herald's processes during a scenario
      ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const origin = `http://127.0.0.1:${port}`;
  // Generous: on a shared 2-core machine under load, a process has taken over a minute to start.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`herald ${kind} exited with ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // never left running after the run that started it gave up
      throw new Error(`herald ${kind} not ready within 180 s:\n${stderr}`);
    }
    const ready = await fetch(`${origin}/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    kind,
    origin,
    child,
    recentLog: () => stderr,
    peakRssMb: () => peakRssMb(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The most memory process `pid` has held so far (VmHWM), in MiB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmHWM:\s+(\d+) kB/m)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
