// What /ready looks at in a running process: the database (reachable, every migration applied),
// whether the process is draining, for an API its LISTEN connection (while it reconnects after a
// database restart, subscriptions would miss what changes: a balancer should send clients to an
// API that hears), and whether any worker is alive: pg-boss's
// instance registry (each PgBoss object's heartbeat row) tells, and only worker processes
// supervise the queues (createBoss), so a live supervising instance is a live worker.
import type { Readiness } from '../graphql/probes.ts';
import type { Runtime } from './runtime.ts';

export const NO_WORKER_WARNING =
  'No Herald worker has been seen recently: published deliveries wait as PENDING until one runs (herald worker, or herald serve).';

export async function readinessOf(
  runtime: Pick<Runtime, 'databaseReady' | 'boss' | 'changeFeed'>,
  draining: boolean,
  options: { lookForWorkers: boolean },
): Promise<Readiness> {
  const database = await runtime.databaseReady();
  const checks: Record<string, string> = { database: database ? 'ok' : 'unreachable or not migrated', draining: draining ? 'yes' : 'no' };
  const listening = runtime.changeFeed ? runtime.changeFeed.target.listening() : true;
  if (runtime.changeFeed) checks.changes = listening ? 'listening' : 'reconnecting';
  const warnings: string[] = [];
  if (options.lookForWorkers) {
    const workers = database ? await liveWorkers(runtime.boss) : null;
    checks.workers = workers === null ? 'unknown' : String(workers);
    if (workers === 0) warnings.push(NO_WORKER_WARNING);
  }
  // Workers are not this process's readiness: an API without one still takes requests and events.
  return { ready: database && listening && !draining, checks, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Live worker processes on this database, or null when pg-boss cannot say. */
async function liveWorkers(boss: Runtime['boss']): Promise<number | null> {
  if (!boss) return null;
  try {
    const instances = await boss.getInstances();
    return instances.filter((instance) => instance.live && instance.supervise).length;
  } catch {
    return null;
  }
}
