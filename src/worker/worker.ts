// The delivery worker: takes attempt jobs from pg-boss in batches and runs them; schedules the
// history maintenance (day partitions created ahead, expired ones dropped): the handler of each queue. Started by `herald worker` and `herald serve`
// (src/processes/serve.ts).
import type { PgBoss } from 'pg-boss';
import { deliverBatch } from './deliver-batch.ts';
import { abandonAttempts } from '../delivery-state/transitions.ts';
import { purgeExpired } from './retention.ts';
import { FOLD_AFTER_MS, foldRollupShards } from '../delivery-state/outcome-rollup.ts';
import { ensureHistoryPartitions } from './partitions.ts';
import { createHttpSender, MAX_SOCKETS_PER_ENDPOINT } from '../http/http-sender.ts';
import { ABANDONED_QUEUE, DELIVER_QUEUE, RECOVERY_QUEUE, RETENTION_QUEUE, type DeliverJob, type ProbeJob } from './queue.ts';
import { runProbe } from './recovery-probes.ts';
import type { HeraldConfig } from '../config/config.ts';
import { MAX_IN_FLIGHT_ATTEMPTS } from '../config/queue-timings.ts';
import { InFlightShares } from '../engine/in-flight-shares.ts';
import type { Logger } from '../log.ts';
import type { HeraldMetrics } from '../metrics/metrics.ts';
import type { AppServices } from '../services.ts';

/** Batches each worker process fetches at once, and their size. */
export const FETCH_LOOPS = 4;
const BATCH_SIZE = 50;

export interface Worker {
  /** Stops fetching; attempts in flight finish (bounded by `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** What the worker needs of its process: a Runtime has it all; a test passes the same pieces. */
export interface WorkerDeps {
  config: HeraldConfig;
  services: AppServices;
  log: Logger;
  metrics?: HeraldMetrics;
}

export async function startWorker(runtime: WorkerDeps, boss: PgBoss): Promise<Worker> {
  const { config, services, log, metrics } = runtime;
  // pg-boss's per-endpoint cap counts jobs, and is soft: fetches that race each take the whole cap,
  // and an attempt detached from its batch no longer holds a job. The socket pool is the hard bound:
  // never more than the cap open to one endpoint from this process (so workers × cap in all).
  const sender = createHttpSender({
    timeoutMs: config.deliveryTimeoutMs,
    allowPrivateNetworks: config.allowPrivateNetworks,
    maxSocketsPerEndpoint: Math.min(MAX_SOCKETS_PER_ENDPOINT, config.queueTimings.endpointConcurrency),
    egressProxy: config.egressProxy,
  });
  if (config.egressProxy) {
    const { host, port, noProxy } = config.egressProxy;
    log.info(`deliveries leave through the egress proxy ${host.includes(':') ? `[${host}]` : host}:${port}${noProxy.length > 0 ? ` (${noProxy.length} HERALD_EGRESS_NO_PROXY rules)` : ''}`);
  }
  // Batches and detached slow attempts in flight, so a drain can wait for exactly these to finish
  // and record.
  const inFlight = new Set<Promise<unknown>>();
  // Attempts in flight (claimed, until recorded), shared across organizations and endpoints: a
  // silent receiver fills its own organization's and endpoint's share, never the whole process, so
  // nobody else's batch waits for it (src/engine/in-flight-shares.ts, docs/fairness.md).
  const shares = new InFlightShares({
    perOrganization: config.maxInFlightPerOrganization,
    // pg-boss's per-endpoint cap on active jobs is soft (fetches that race each take it whole), so
    // the share adds what the fetch loops can hold in their batches: batches alone never fill it,
    // only attempts detached at a slow endpoint do.
    perEndpoint: config.queueTimings.endpointConcurrency + FETCH_LOOPS * BATCH_SIZE,
    total: MAX_IN_FLIGHT_ATTEMPTS,
  });
  const track = (work: Promise<unknown>) => {
    metrics?.backgroundAttempts.inc();
    inFlight.add(work);
    void work.finally(() => {
      metrics?.backgroundAttempts.dec();
      inFlight.delete(work);
    });
  };
  // Retries are scheduled with startAfter, which NOTIFY does not announce: they are found by the
  // poll, so it runs every 0.5 s (pg-boss's minimum) even on this notify queue, whose default
  // backstop poll is 30 s. Measured here: without notify + burst mode, pg-boss waits a polling interval between fetches
  // (~430 jobs/s, seconds of latency); with them, fetches follow each other while work is there.
  await boss.work<DeliverJob>(
    DELIVER_QUEUE,
    {
      batchSize: BATCH_SIZE,
      burstWhenBatchFull: true,
      localConcurrency: FETCH_LOOPS,
      groupConcurrency: config.queueTimings.endpointConcurrency,
      pollingIntervalSeconds: 0.5,
      notifyPollingIntervalSeconds: 0.5,
    },
    async (jobs) => {
      const batch = deliverBatch(
        { services, sender, log, onDetached: track, shares, ...(metrics ? { metrics } : {}) },
        jobs.map((job) => ({ ...job.data, queueJobId: job.id, ...(job.groupId ? { endpointId: job.groupId } : {}) })),
      );
      inFlight.add(batch);
      try {
        const { unrecorded } = await batch;
        if (unrecorded.length > 0) {
          // Failed alone: pg-boss retries these jobs, and the rest of the batch completes.
          const idOf = new Map(jobs.map((job) => [`${job.data.deliveryId}:${job.data.attempt}`, job.id]));
          for (const { job, error } of unrecorded) log.error('could not record an attempt', { deliveryId: job.deliveryId, attempt: job.attempt, error: String(error) });
          await boss.fail(DELIVER_QUEUE, unrecorded.map(({ job }) => idOf.get(`${job.deliveryId}:${job.attempt}`)!), { error: 'the attempt could not be recorded' });
        }
      } catch (error) {
        // A database fault fails the batch; pg-boss re-runs it, and attempts already recorded are
        // stale on the second run (their claim finds the attempt number moved on).
        log.error('delivery batch failed', { error: String(error) });
        throw error;
      } finally {
        inFlight.delete(batch);
      }
    },
  );
  await boss.work<DeliverJob>(ABANDONED_QUEUE, { batchSize: 50 }, async (jobs) => {
    const ended = await abandonAttempts(
      services.db,
      jobs.map((job) => job.data),
      'Herald could not complete this attempt: it failed inside Herald on every try (see the worker log). retryDelivery tries again.',
    );
    if (ended > 0) log.error(`${ended} delivery attempt(s) failed inside Herald on every try; their deliveries are FAILED`);
  });
  // Each probe is one job (pg-boss hands it to one worker at a time); the guarded re-enable makes a
  // probe run twice, or by two workers, turn the endpoint on once.
  await boss.work<ProbeJob>(RECOVERY_QUEUE, { batchSize: 5, pollingIntervalSeconds: 0.5 }, async (jobs) => {
    for (const job of jobs) await runProbe({ services, sender, log }, job.data);
  });
  // Today's partition must exist before anything is written: a worker starting after days down
  // creates the missing days here rather than at the next hourly run.
  const created = await ensureHistoryPartitions(services.db);
  if (created > 0) log.info(`created ${created} history partition(s) ahead`);
  await boss.schedule(RETENTION_QUEUE, '17 * * * *');
  await boss.work(RETENTION_QUEUE, async () => {
    const made = await ensureHistoryPartitions(services.db);
    if (made > 0) log.info(`created ${made} history partition(s) ahead`);
    const { partitionsDropped, rowsDeleted } = await purgeExpired(services.db, config.retentionDays);
    await foldRollupShards(services.db, new Date(Date.now() - FOLD_AFTER_MS));
    if (partitionsDropped + rowsDeleted > 0) {
      log.info(`retention (${config.retentionDays} days): dropped ${partitionsDropped} day partition(s), deleted ${rowsDeleted} row(s) outside them`);
    }
  });
  return {
    async stop(timeoutMs = config.deliveryTimeoutMs + 5_000) {
      // Stop fetching first, then let the attempts already sent finish and record (bounded: an
      // attempt cut off here is re-run after its job expires, with the same webhook-id).
      await boss.offWork(DELIVER_QUEUE).catch(() => undefined);
      await boss.offWork(ABANDONED_QUEUE).catch(() => undefined);
      await boss.offWork(RETENTION_QUEUE).catch(() => undefined);
      await boss.offWork(RECOVERY_QUEUE).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      sender.close();
    },
  };
}
