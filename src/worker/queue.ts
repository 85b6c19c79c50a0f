// The delivery queue on pg-boss, in Herald's own database. Each attempt is one job; Herald owns the
// retry schedule (pg-boss's own retries only re-run a handler that crashed or expired).
import { fromPrisma, PgBoss, type JobInsert } from 'pg-boss';
import type { HeraldConfig } from '../config/config.ts';
import { checkedQuery, sqlTypes, type SqlClient } from '../db/checked-sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { DEFAULT_QUEUE_TIMINGS, type QueueTimings } from '../config/queue-timings.ts';
import type { Logger } from '../log.ts';
import { createFairClock, fairPriorities, virtualPresent } from '../engine/fair-order.ts';

export const DELIVER_QUEUE = 'herald-deliver';
/**
 * Where pg-boss moves a delivery job that failed inside Herald on every try (its handler threw, or
 * its worker died, until the job's retries ran out): the worker ends those deliveries FAILED with
 * the reason, so none waits forever in SENDING.
 */
export const ABANDONED_QUEUE = 'herald-deliver-abandoned';
export const RETENTION_QUEUE = 'herald-retention';
/** Recovery probes of endpoints disabled as FAILING (src/worker/recovery-probes.ts): one job per probe due. */
export const RECOVERY_QUEUE = 'herald-recovery-probe';

/** The `probe`th probe (1-based) of an endpoint, for the disable of `disabledAt` (ISO): a later disable's probes are its own. */
export interface ProbeJob {
  endpointId: string;
  probe: number;
  disabledAt: string;
}

export interface DeliverJob {
  deliveryId: string;
  /** 1-based number of the attempt this job makes. */
  attempt: number;
  /**
   * The rate-limit slot (ISO time) this job holds: set when its endpoint's limit deferred it, so it
   * is sent when it runs without asking the limiter again (src/delivery-state/rate-limit.ts).
   */
  slot?: string;
  /** Whose delivery it is, for the worker's in-flight shares (absent on jobs queued before it was kept). */
  organizationId?: string;
  /** A fetched job's endpoint, its pg-boss group (set by the worker, never stored in a job's data). */
  endpointId?: string;
  /** The queue's id of a fetched job (set by the worker, never stored in a job's data). */
  queueJobId?: string;
}

/** A job to queue: its group is its endpoint, its priority its organization's fair order. */
export type QueuedJob = Omit<DeliverJob, 'queueJobId' | 'organizationId' | 'endpointId'> & { organizationId: string; endpointId: string; startAfter?: Date };

export interface DeliveryQueue {
  /** Enqueues attempts inside the caller's transaction: they exist exactly when it commits. */
  enqueue(tx: SqlClient, jobs: QueuedJob[]): Promise<void>;
  /**
   * (Queues that only enqueue have none.) Completes fetched jobs inside the caller's transaction, when their work is handed to new jobs
   * it enqueues: a worker dying after the commit cannot run them again (pg-boss's own completion
   * after the handler then finds them completed and changes nothing).
   */
  complete?(tx: SqlClient, queueJobIds: string[]): Promise<void>;
  /** (Queues that only deliver have none.) Enqueues recovery probes inside the caller's transaction. */
  enqueueProbes?(tx: SqlClient, probes: Array<ProbeJob & { startAfter: Date }>): Promise<void>;
}

/**
 * `works`: this process runs workers. Only then does it supervise and maintain the queues and
 * LISTEN for new jobs; a process that only enqueues (`herald api`) does neither, so maintenance
 * never runs next to request handling (the benchmark's latency tail).
 */
export function createBoss(databaseUrl: string, log: Logger, max = 5, works = true, timings: QueueTimings = DEFAULT_QUEUE_TIMINGS): PgBoss {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    max,
    application_name: 'herald-queue',
    // Supervision is what notices a job whose worker died (it expires), and it visits a queue only
    // when the queue's monitor slot is due: see QueueTimings.
    superviseIntervalSeconds: timings.superviseIntervalSeconds,
    monitorIntervalSeconds: timings.monitorIntervalSeconds,
    // Without it, a notify queue's pg_notify is sent but nobody LISTENs: a worker process only
    // hears jobs enqueued in its own process (serve) and waits for the poll otherwise. Found by
    // `npm run bench` with api and worker as separate processes: 440 deliveries/s and seconds of
    // latency before, see the README's figures after.
    useListenNotify: works,
    supervise: works,
    schedule: works,
  });
  boss.on('error', (error) => log.error('queue error', { error: String(error) }));
  return boss;
}

/**
 * Creates the queues when they do not exist (every process does it at start-up). A queue's options
 * are fixed by whoever creates it; delivery jobs carry their own timings (createDeliveryQueue).
 */
export async function ensureQueues(boss: PgBoss, config: Pick<HeraldConfig, 'deliveryTimeoutMs' | 'queueTimings'>, timings: QueueTimings = config.queueTimings): Promise<void> {
  const queues = new Map((await boss.getQueues()).map((queue) => [queue.name, queue]));
  // First: the delivery queue names it as its dead letter (a foreign key).
  if (!queues.has(ABANDONED_QUEUE)) await boss.createQueue(ABANDONED_QUEUE, { retryLimit: timings.abandonedRetryLimit, retryDelay: timings.abandonedRetryDelaySeconds });
  const deliver = queues.get(DELIVER_QUEUE);
  if (!deliver) {
    await boss.createQueue(DELIVER_QUEUE, {
      // Wakes workers on commit instead of waiting for the next poll (seconds otherwise).
      notify: true,
      // Its own table, so other queues' finished rows never slow its fetches.
      partition: true,
      deadLetter: ABANDONED_QUEUE,
      ...jobTiming(config.deliveryTimeoutMs, timings),
    });
  } else if (deliver.deadLetter !== ABANDONED_QUEUE) {
    // A database whose queue was created before the dead letter existed.
    await boss.updateQueue(DELIVER_QUEUE, { deadLetter: ABANDONED_QUEUE });
  }
  if (!queues.has(RETENTION_QUEUE)) await boss.createQueue(RETENTION_QUEUE, { retryLimit: 1 });
  if (!queues.has(RECOVERY_QUEUE)) await boss.createQueue(RECOVERY_QUEUE, { retryLimit: 3, retryDelay: 5, deleteAfterSeconds: 3600 });
}

/**
 * A killed worker's job expires just after the delivery timeout and is fetched again, re-sending
 * the same webhook-id (at least once). Finished jobs are kept briefly: history lives in Herald's
 * own tables.
 */
function jobTiming(deliveryTimeoutMs: number, timings: QueueTimings) {
  return {
    expireInSeconds: Math.ceil(deliveryTimeoutMs / 1000) + timings.expiryMarginSeconds,
    retryLimit: timings.deliverRetryLimit,
    retryDelay: timings.deliverRetryDelaySeconds,
    deleteAfterSeconds: 3600,
    retentionSeconds: 7 * 86_400,
  };
}

/** pg-boss's view of the caller's transaction: a Prisma one, or a `pg` connection (publishing). */
function bossDb(tx: SqlClient) {
  return '$queryRaw' in tx ? fromPrisma(tx) : { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
}

/**
 * The priority of the due job a fetch takes next (pg-boss fetches by priority, then creation; the
 * partial index job_i11 serves this order): the fair order's virtual present (src/engine/fair-order.ts).
 */
export const DUE_QUEUE_HEAD = checkedQuery({
  name: 'due queue head',
  columns: { priority: sqlTypes.int4 },
  sample: { queue: DELIVER_QUEUE },
  sql: ({ queue }: { queue: string }) => Prisma.sql`
    SELECT priority FROM pgboss.job
     WHERE name = ${queue} AND state < 'active' AND NOT blocked AND start_after <= now()
     ORDER BY priority DESC, created_on LIMIT 1`,
});

/** How long a process reuses the head it read: one indexed read per this, at most, per process. */
const HEAD_TTL_MS = 200;

export function createDeliveryQueue(boss: PgBoss, config: Pick<HeraldConfig, 'deliveryTimeoutMs' | 'queueTimings'>, timings: QueueTimings = config.queueTimings): DeliveryQueue {
  const timing = jobTiming(config.deliveryTimeoutMs, timings);
  // This process's own clocks: each API and worker process orders what it enqueues (docs/fairness.md).
  const fairClock = createFairClock();
  let head: { priority: number | null; readAtMs: number } = { priority: null, readAtMs: Number.NEGATIVE_INFINITY };
  return {
    async enqueue(tx, jobs) {
      if (jobs.length === 0) return;
      const nowMs = Date.now();
      if (nowMs - head.readAtMs > HEAD_TTL_MS && jobs.some(({ startAfter }) => !startAfter || startAfter.getTime() <= nowMs)) {
        const [row] = await DUE_QUEUE_HEAD.run(tx, { queue: DELIVER_QUEUE });
        head = { priority: row?.priority ?? null, readAtMs: nowMs };
      }
      const dues = jobs.map(({ organizationId, startAfter }) => ({ organizationId, ...(startAfter ? { dueMs: startAfter.getTime() } : {}) }));
      const priorities = fairPriorities(fairClock, dues, nowMs, virtualPresent(nowMs, head.priority));
      const inserts: JobInsert<DeliverJob>[] = jobs.map(({ deliveryId, attempt, slot, organizationId, endpointId, startAfter }, index) => ({
        data: { deliveryId, attempt, organizationId, ...(slot ? { slot } : {}) },
        // pg-boss groups bound concurrency per endpoint, so one slow receiver cannot take every worker.
        group: { id: endpointId },
        priority: priorities[index]!,
        expireInSeconds: timing.expireInSeconds,
        retryLimit: timing.retryLimit,
        retryDelay: timing.retryDelay,
        deleteAfterSeconds: timing.deleteAfterSeconds,
        ...(startAfter ? { startAfter } : {}),
      }));
      await boss.insert(DELIVER_QUEUE, inserts, { db: bossDb(tx) });
    },
    async enqueueProbes(tx, probes) {
      if (probes.length === 0) return;
      await boss.insert(
        RECOVERY_QUEUE,
        probes.map(({ startAfter, ...data }) => ({ data, startAfter, expireInSeconds: Math.ceil(config.deliveryTimeoutMs / 1000) + timings.expiryMarginSeconds })),
        { db: bossDb(tx) },
      );
    },
    async complete(tx, queueJobIds) {
      if (queueJobIds.length === 0) return;
      await boss.complete(DELIVER_QUEUE, queueJobIds, null, { db: bossDb(tx) });
    },
  };
}
