// The stack reference: what Herald's own parts (pg-boss, got, HMAC signing, an INSERT per attempt)
// do on this machine, in this run, with none of Herald's work around them (bench/support/
// stack-worker.ts). Herald's delivering figures are reported as ratios to it, because on a shared
// machine absolute figures swing 2× between runs while two things measured minutes apart swing
// together. Its own database on the same cluster; its worker in a child process as Herald's is.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgBoss, type JobInsert } from 'pg-boss';
import type { BenchCluster } from '../support/cluster.ts';
import { monotonicUs, profileIn, summarizeProfile, type ProfileSummary } from '../support/cpu-profile.ts';
import { pollUntil } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { peakRssMb } from '../support/processes.ts';
import { latencySummary, nowMs } from '../support/stats.ts';
import { steadyPublishing } from './latency.ts';

const WORKER = fileURLToPath(new URL('../support/stack-worker.ts', import.meta.url));
const STACK_QUEUE = 'stack-deliver';

/** A job of the stack's queue: the whole event, so the worker reads nothing else. */
export interface StackJob {
  url: string;
  event: { id: string; type: string; createdAt: string; payload: Record<string, unknown> };
}

export interface StackBacklogRun {
  jobs: number;
  attemptRow: boolean;
  /** From the first receipt until every job is completed in pg-boss. */
  seconds: number;
  deliveriesPerSecond: number;
  lost: number;
  duplicates: number;
  workerPeakRssMb: number;
  /** The worker's CPU profile while it delivered (with `profileDir`). */
  profiles: ProfileSummary[];
}

export interface StackLatencyRun {
  jobsPerSecond: number;
  seconds: number;
  delivered: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

interface Stack {
  /** Inserts one job per entry (one statement), each event's payload stamped with `sentAt`. */
  enqueue(count: number, sentAt?: number): Promise<void>;
  startWorker(nodeArgs?: string[]): Promise<ChildProcess>;
  completed(): Promise<number>;
  stop(): Promise<void>;
}

async function startStack(cluster: BenchCluster, receiver: BenchReceiver, attemptRow: boolean): Promise<Stack> {
  const database = await cluster.createDatabase({ empty: true });
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  await sql.query('CREATE TABLE stack_attempts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job_id uuid NOT NULL, status int NOT NULL, duration_ms int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  // The enqueuing side, as Herald's api: no LISTEN, no supervision.
  const boss = new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 2, supervise: false, schedule: false, useListenNotify: false });
  boss.on('error', (error) => console.error(`stack: queue error ${String(error)}`));
  await boss.start();
  // Herald's delivery queue options that shape fetching: notify, its own partition.
  await boss.createQueue(STACK_QUEUE, { notify: true, partition: true, retryLimit: 2, expireInSeconds: 45 });
  const secret = randomBytes(32).toString('base64');
  let seq = 0;
  let worker: ChildProcess | null = null;
  let stopped = false;
  return {
    async enqueue(count, sentAt = nowMs()) {
      const createdAt = new Date().toISOString();
      const jobs: JobInsert<StackJob>[] = Array.from({ length: count }, () => ({
        data: { url: `${receiver.origin}/ok/stack`, event: { id: `msg_${randomUUID()}`, type: 'bench.event', createdAt, payload: { sentAt, seq: seq++ } } },
      }));
      await boss.insert(STACK_QUEUE, jobs);
    },
    async startWorker(nodeArgs = []) {
      const child = fork(WORKER, [], {
        execArgv: [...process.execArgv, ...nodeArgs],
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NODE_ENV: 'production', STACK_DATABASE_URL: database.url, STACK_QUEUE, STACK_ATTEMPT_ROWS: attemptRow ? '1' : '0', STACK_SECRET: secret },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`the stack worker exited with ${code}`)));
      });
      worker = child;
      return child;
    },
    async completed() {
      const { rows } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'", [STACK_QUEUE]);
      return Number(rows[0]!.n);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (worker && worker.exitCode === null) {
        const exited = new Promise((resolve) => worker!.once('exit', resolve));
        worker.disconnect();
        const timer = setTimeout(() => worker!.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      await boss.stop({ graceful: false, close: true });
      await sql.end();
      await database.drop();
    },
  };
}

/** A backlog of `jobs` enqueued first, then the worker started: first receipt → all completed. */
export async function runStackBacklog(cluster: BenchCluster, receiver: BenchReceiver, jobs: number, attemptRow: boolean, profileDir?: string): Promise<StackBacklogRun> {
  const stack = await startStack(cluster, receiver, attemptRow);
  const dir = profileDir && join(profileDir, `stack-${attemptRow ? 'attempt-row' : 'bare'}`);
  if (dir) mkdirSync(dir, { recursive: true });
  let run: StackBacklogRun;
  try {
    for (let sent = 0; sent < jobs; sent += 1_000) await stack.enqueue(Math.min(1_000, jobs - sent));
    await receiver.reset();
    const worker = await stack.startWorker(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
    const done = await pollUntil(async () => (await stack.completed()) >= jobs, 300_000);
    const finished = nowMs();
    if (!done) throw new Error(`stack: ${await stack.completed()} of ${jobs} jobs completed within 300 s`);
    const stats = await receiver.stats();
    const seconds = (finished - stats.firstAtMs) / 1000;
    run = {
      jobs,
      attemptRow,
      seconds,
      deliveriesPerSecond: jobs / seconds,
      lost: jobs - stats.unique,
      duplicates: stats.duplicates,
      workerPeakRssMb: peakRssMb(worker.pid!),
      profiles: [],
    };
    const window = { fromUs: monotonicUs(stats.firstAtMs), toUs: monotonicUs(finished) };
    await stack.stop(); // the profile is written when the worker exits
    const file = dir && profileIn(dir);
    if (file) run.profiles.push(summarizeProfile(file, `stack worker during its backlog (${jobs} jobs${attemptRow ? ', attempt rows' : ''})`, window));
    return run;
  } finally {
    await stack.stop();
  }
}

/** Enqueue → receipt at `rate` jobs/s, enqueued as Herald's latency scenario publishes: 10 per call. */
export async function runStackLatency(cluster: BenchCluster, receiver: BenchReceiver, rate: number, seconds: number): Promise<StackLatencyRun> {
  const stack = await startStack(cluster, receiver, true);
  try {
    await stack.startWorker();
    // The same warm-up as Herald's (600 at a moderate pace), so both are measured warm.
    await receiver.reset();
    for (let sent = 0; sent < 600; sent += 10) {
      await stack.enqueue(10);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!(await pollUntil(async () => (await receiver.stats()).unique >= 600, 60_000, 100))) throw new Error('stack: the warm-up jobs did not arrive');
    await receiver.reset();
    const total = rate * seconds;
    const perCall = 10;
    await steadyPublishing(rate / perCall, total / perCall, () => stack.enqueue(perCall, nowMs()));
    if (!(await pollUntil(async () => (await receiver.stats()).unique >= total, 120_000, 100))) throw new Error(`stack latency: ${(await receiver.stats()).unique} of ${total} arrived`);
    const { samples } = await receiver.stats(true);
    return { jobsPerSecond: rate, seconds, delivered: samples.length, ...latencySummary(samples.map(([, latency]) => latency)) };
  } finally {
    await stack.stop();
  }
}
