// The stack reference's worker process: the same parts Herald's worker is built from, with none of
// Herald's own work. A bare pg-boss 12 worker (notify queue, batches of 50, burst mode, Herald's
// localConcurrency) signs each job's event with Standard Webhooks HMAC-SHA256 and POSTs it with got
// over keep-alive sockets; with STACK_ATTEMPT_ROWS=1 it also INSERTs one row per delivery into a
// plain table (one statement per batch); then it returns, which completes the batch. It looks
// nothing up: the job holds the event, the URL and the process holds the secret.
// Forked by bench/scenarios/stack.ts; says `ready` over IPC once it works; stops on disconnect,
// SIGTERM or SIGINT (exiting normally, so `--cpu-prof` writes its profile).
import { createHmac } from 'node:crypto';
import { Agent } from 'node:http';
import got from 'got';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { StackJob } from '../scenarios/stack.ts';

const queue = process.env['STACK_QUEUE']!;
const databaseUrl = process.env['STACK_DATABASE_URL']!;
const attemptRows = process.env['STACK_ATTEMPT_ROWS'] === '1';
const secret = Buffer.from(process.env['STACK_SECRET']!, 'base64');

const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 5, application_name: 'stack-queue', useListenNotify: true });
boss.on('error', (error) => console.error(`stack worker: queue error ${String(error)}`));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
// As Herald's sender: keep-alive sockets, as many idle as open, no retries, no redirects, the answer
// read whole; Herald's per-endpoint pools and its response size cap are left out.
const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, timeout: 60_000 });
const client = got.extend({
  method: 'POST',
  retry: { limit: 0 },
  followRedirect: false,
  throwHttpErrors: false,
  decompress: false,
  timeout: { request: 30_000 },
  agent: { http: agent },
});

async function deliver(job: StackJob): Promise<{ status: number; durationMs: number }> {
  const started = performance.now();
  const { event } = job;
  const body = JSON.stringify({ id: event.id, type: event.type, timestamp: event.createdAt, data: event.payload });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${event.id}.${timestamp}.${body}`, 'utf8').digest('base64');
  const response = await client(job.url, {
    body,
    headers: { 'content-type': 'application/json', 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` },
  });
  return { status: response.statusCode, durationMs: Math.round(performance.now() - started) };
}

await boss.start();
await boss.work<StackJob>(
  queue,
  // Herald's worker options (src/worker/worker.ts): localConcurrency 4, and the 0.5 s polls it needs
  // for retries, which cost the same here.
  { batchSize: 50, burstWhenBatchFull: true, localConcurrency: 4, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 },
  async (jobs) => {
    const outcomes = await Promise.all(jobs.map((job) => deliver(job.data)));
    if (attemptRows) {
      await pool.query('INSERT INTO stack_attempts (job_id, status, duration_ms) SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[])', [
        jobs.map((job) => job.id),
        outcomes.map((outcome) => outcome.status),
        outcomes.map((outcome) => outcome.durationMs),
      ]);
    }
  },
);
process.send!({ type: 'ready' });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await boss.stop({ graceful: true, close: true, timeout: 10_000 });
  await pool.end();
  agent.destroy();
  process.exit(0);
}
process.on('disconnect', () => void stop());
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
